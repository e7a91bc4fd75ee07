import { booleanSetting, intSetting, stringSetting } from '@/lib/env'

import { type AttentionThresholds, DEFAULT_THRESHOLDS, FRAUD_RESULTS, type FraudResult } from './rules'

function fraudResults(): FraudResult[] {
  const name = 'ATTENTION_FRAUD_RESULTS'
  const raw = stringSetting(name, DEFAULT_THRESHOLDS.fraudResults.join(','))
  if (raw.toLowerCase() === 'none') return []
  const results = raw.split(',').map((item) => item.trim().toUpperCase())
  const wrong = results.filter((item) => !(FRAUD_RESULTS as readonly string[]).includes(item))
  if (wrong.length) throw new Error(`${name}=${raw} is not a list of ${FRAUD_RESULTS.join(', ')} (or none)`)
  return [...new Set(results)] as FraudResult[]
}

/**
 * The "needs attention" thresholds from the environment (.env.example): checked when the process
 * starts (src/settings.ts), read per request.
 */
export function attentionThresholds(): AttentionThresholds {
  return {
    idleSeconds: intSetting('ATTENTION_IDLE_SECONDS', DEFAULT_THRESHOLDS.idleSeconds),
    identityRiskScore: intSetting('ATTENTION_IDENTITY_RISK_SCORE', DEFAULT_THRESHOLDS.identityRiskScore),
    fraudResults: fraudResults(),
    notServiceable: booleanSetting('ATTENTION_NOT_SERVICEABLE', DEFAULT_THRESHOLDS.notServiceable),
    stepSeconds: intSetting('ATTENTION_STEP_SECONDS', DEFAULT_THRESHOLDS.stepSeconds),
    questionRepeats: intSetting('ATTENTION_QUESTION_REPEATS', DEFAULT_THRESHOLDS.questionRepeats),
    softEndSeconds: intSetting('ATTENTION_SOFT_END_SECONDS', DEFAULT_THRESHOLDS.softEndSeconds),
  }
}
