/**
 * What an application tells the "needs attention" rules about its conversations: the identity
 * check's risk, the fraud check's result, whether the loan is serviceable, and the process step
 * with since when. Read from the assessments as the agents sent them (shapes vary, so each
 * figure is taken only when it has the expected type). Copied onto each of the application's
 * conversations, where the board's queries read them.
 */
import type { Json, JsonObject } from '@/events/types'

export type AttentionSignals = {
  identityRiskScore: number | null
  identityRiskBand: string | null
  fraudResult: 'PASS' | 'REVIEW' | 'FAIL' | null
  serviceable: boolean | null
  currentStep: string | null
  stepSince: string | null
}

export const SIGNAL_COLUMNS = [
  'identityRiskScore',
  'identityRiskBand',
  'fraudResult',
  'serviceable',
  'currentStep',
  'stepSince',
] as const satisfies ReadonlyArray<keyof AttentionSignals>

/** An application as projected, or as a Local API write returns it. */
export type SignalSource = {
  assessments?: { identityRisk?: unknown; serviceability?: unknown; fraudCheck?: unknown } | null
  applicationProcess?: {
    currentProcessStage?: string | null
    currentProcessStep?: string | null
    currentStepSince?: string | null
  } | null
}

const field = (object: unknown, name: string): Json | undefined =>
  object && typeof object === 'object' && !Array.isArray(object) ? (object as JsonObject)[name] : undefined
const number = (value: Json | undefined) => (typeof value === 'number' && Number.isFinite(value) ? value : null)
const text = (value: Json | undefined) => (typeof value === 'string' && value ? value : null)

function fraudResultOf(value: Json | undefined): AttentionSignals['fraudResult'] {
  const result = text(value)?.toUpperCase()
  return result === 'PASS' || result === 'REVIEW' || result === 'FAIL' ? result : null
}

export function attentionSignalsOf({ assessments, applicationProcess }: SignalSource): AttentionSignals {
  const serviceable = field(assessments?.serviceability, 'serviceable')
  return {
    identityRiskScore: number(field(assessments?.identityRisk, 'riskScore')),
    identityRiskBand: text(field(assessments?.identityRisk, 'riskBand'))?.toUpperCase() ?? null,
    fraudResult: fraudResultOf(field(assessments?.fraudCheck, 'result')),
    serviceable: typeof serviceable === 'boolean' ? serviceable : null,
    currentStep: applicationProcess?.currentProcessStep ?? null,
    stepSince: applicationProcess?.currentStepSince ?? null,
  }
}
