/** The projection writer's contract on the embedded database (SQLite); MongoDB runs it in mongodb.int. */
import { openPayloadAndRedis } from '../helpers/payloadAndRedis'
import { writerContract } from '../helpers/writerContract'

const opened = openPayloadAndRedis()

writerContract(() => opened.payload)
