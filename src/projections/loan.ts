/** Loan figures as every projection derives them from an application snapshot. */
import type { ApplicationSnapshot } from '@/events/types'

const FEE_PERCENT = 5
const toCents = (amount: number) => Math.round(amount * 100)

/**
 * A snapshot's fee and total: as stated, else 5% of the amount (to the cent) and amount + fee.
 * Derived per snapshot, so which snapshot holds each field stays a matter of entry ids only.
 */
export function charges({
  loanAmount,
  loanFee,
  loanTotalPayable,
}: ApplicationSnapshot): Pick<ApplicationSnapshot, 'loanFee' | 'loanTotalPayable'> {
  const amount = loanAmount ?? undefined
  const fee = loanFee ?? (amount === undefined ? undefined : Math.round((toCents(amount) * FEE_PERCENT) / 100) / 100)
  const total =
    loanTotalPayable ?? (amount === undefined || fee === undefined ? undefined : (toCents(amount) + toCents(fee)) / 100)
  return { loanFee: fee, loanTotalPayable: total }
}
