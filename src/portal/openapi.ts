/**
 * The customer portal API's OpenAPI 3.1 document, generated from the zod schemas the handlers
 * validate with and answer through (schemas.ts): it cannot drift from what the API does.
 */
import { z } from 'zod'

import {
  ApplicationDetailSchema,
  ApplicationListSchema,
  ApplicationNumberParam,
  ConversationListSchema,
  CustomerIdParam,
  DetailQuery,
  ErrorSchema,
  ListQuery,
} from './schemas'

const json = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'output', unrepresentable: 'any' })

const queryParameters = (schema: z.ZodObject) =>
  Object.entries(schema.shape).map(([name, field]) => ({
    name,
    in: 'query',
    required: false,
    description: (field as z.ZodType).description,
    schema: z.toJSONSchema(field as z.ZodType, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }),
  }))

const pathParameter = (name: string, schema: z.ZodType) => ({
  name,
  in: 'path',
  required: true,
  description: schema.description,
  schema: json(schema),
})

const error = (description: string) => ({ description, content: { 'application/json': { schema: json(ErrorSchema) } } })

const ERRORS = {
  '400': error('A parameter is not valid; the message says which and why.'),
  '401': error(
    'No token, or one that is expired, issued too long ago, badly signed, of an algorithm or type not accepted, or ' +
      'for another issuer or audience.',
  ),
  '403': error('The token is for another customer.'),
  '429': {
    ...error('Too many requests for this customer or client; retry after Retry-After seconds.'),
    headers: {
      'Retry-After': { schema: { type: 'integer' }, description: 'Seconds until a request is allowed again' },
    },
  },
  '503': error(
    'The API cannot verify customer tokens as configured (the message says what to set), or could not answer just ' +
      'now; try again shortly.',
  ),
}

const RATE_HEADERS = Object.fromEntries(
  ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'].map((name) => [name, { schema: { type: 'integer' } }]),
)

const ok = (description: string, schema: z.ZodType) => ({
  description,
  headers: RATE_HEADERS,
  content: { 'application/json': { schema: json(schema) } },
})

export function openApiDocument(serverUrl = '/'): Record<string, unknown> {
  const customer = pathParameter('customerId', CustomerIdParam)
  return {
    openapi: '3.1.0',
    info: {
      title: 'Billie customer portal API',
      version: '1.0.0',
      description:
        'A customer’s own applications and conversations, for the customer portal to show them. Called on behalf of ' +
        'a customer signed in upstream, with a bearer JWT whose `sub` is the customer id. Nothing internal (the ' +
        'assistant’s reasoning, assessments, agents’ notes, staff reviews) is ever in an answer. Every answer says ' +
        'which chatLedger position it reflects; pass `after` with the id your own XADD returned to read your write.',
    },
    servers: [{ url: serverUrl }],
    security: [{ customerToken: [] }],
    components: {
      securitySchemes: {
        customerToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            '`sub`: the customer id; `exp` and `iat` required (accepted for a limited time after `iat`, an hour ' +
            'unless configured otherwise); `iss` and `aud` as configured; `typ`, when present, `JWT` or `at+jwt`',
        },
      },
    },
    paths: {
      '/api/customer/{customerId}/applications': {
        get: {
          operationId: 'listApplications',
          summary: 'The customer’s applications, most recently updated first',
          parameters: [customer, ...queryParameters(ListQuery)],
          responses: { '200': ok('A page of applications', ApplicationListSchema), ...ERRORS },
        },
      },
      '/api/customer/{customerId}/application/{applicationNumber}': {
        get: {
          operationId: 'getApplication',
          summary: 'One of the customer’s applications',
          parameters: [
            customer,
            pathParameter('applicationNumber', ApplicationNumberParam),
            ...queryParameters(DetailQuery),
          ],
          responses: {
            '200': ok('The application', ApplicationDetailSchema),
            ...ERRORS,
            '404': error('The customer has no application by that number.'),
          },
        },
      },
      '/api/customer/{customerId}/conversations': {
        get: {
          operationId: 'listConversations',
          summary: 'The customer’s conversations, most recent activity first',
          parameters: [customer, ...queryParameters(ListQuery)],
          responses: { '200': ok('A page of conversations', ConversationListSchema), ...ERRORS },
        },
      },
    },
  }
}
