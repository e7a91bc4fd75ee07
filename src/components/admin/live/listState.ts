/**
 * The Live Conversations list as a pure reducer: pages appended without duplicates, change
 * messages patching cards in place, and new conversations either shown at the top (reader at
 * the top) or held behind the "N new" pill (reader scrolled away), so the list never moves
 * under the reader.
 */
import { isStale, patchCard, sameId, withLine } from '@/board/cards'
import type { Card, CardLine, CardPage, Cursor, Marker, RecordId } from '@/board/types'
import type { ConversationCard } from '@/projections/changes'

export type ListState = {
  cards: Card[]
  /** New conversations waiting behind the pill, newest first. */
  pending: Card[]
  /** Where the next page starts (keyset); null once every page is read. */
  next: Cursor | null
  totalDocs: number
}

export type ListAction =
  | { type: 'replace'; result: CardPage }
  | { type: 'append'; result: CardPage }
  | { type: 'arrive'; cards: Card[]; atTop: boolean }
  | { type: 'resync'; result: CardPage; atTop: boolean }
  | { type: 'showPending' }
  | { type: 'patch'; id: RecordId; doc: Partial<ConversationCard>; version?: number }
  | { type: 'remove'; id: RecordId }
  | { type: 'line'; conversation: RecordId; line: CardLine }
  | { type: 'markers'; markers: Map<string, Marker[]> }
  | { type: 'customer'; id: RecordId; fullName: string }
  /** Changes gathered while the board was paused, applied in one step on resume. */
  | { type: 'batch'; actions: ListAction[] }

export const initialListState = (result: CardPage): ListState => ({
  cards: result.cards,
  pending: [],
  next: result.next,
  totalDocs: result.totalDocs,
})

const mapBoth = (state: ListState, update: (card: Card) => Card): ListState => {
  let changed = false
  const apply = (cards: Card[]) =>
    cards.map((card) => {
      const next = update(card)
      if (next !== card) changed = true
      return next
    })
  const cards = apply(state.cards)
  const pending = apply(state.pending)
  return changed ? { ...state, cards, pending } : state
}

export const isKnown = (state: ListState, id: RecordId): boolean =>
  state.cards.some((card) => sameId(card.id, id)) || state.pending.some((card) => sameId(card.id, id))

/** Cards not already listed, in the order given. */
const unseen = (state: ListState, cards: Card[]) => {
  const seen = new Set([...state.cards, ...state.pending].map((card) => String(card.id)))
  return cards.filter((card) => {
    if (seen.has(String(card.id))) return false
    seen.add(String(card.id))
    return true
  })
}

function arrive(state: ListState, cards: Card[], atTop: boolean): ListState {
  const fresh = unseen(state, cards)
  if (fresh.length === 0) return state
  const totalDocs = state.totalDocs + fresh.length
  if (atTop && state.pending.length === 0) return { ...state, cards: [...fresh, ...state.cards], totalDocs }
  return { ...state, pending: [...fresh, ...state.pending], totalDocs }
}

export function listReducer(state: ListState, action: ListAction): ListState {
  switch (action.type) {
    case 'batch':
      return action.actions.reduce(listReducer, state)
    case 'replace':
      return initialListState(action.result)
    case 'append': {
      const fresh = unseen(state, action.result.cards)
      return {
        ...state,
        cards: [...state.cards, ...fresh],
        next: action.result.next,
        // A later page counts only what is left after its cursor: the first page's total stands.
        totalDocs: Math.max(state.totalDocs, state.cards.length + state.pending.length + fresh.length),
      }
    }
    case 'arrive':
      return arrive(state, action.cards, action.atTop)
    case 'resync': {
      // Listed cards take the re-read values in place; unlisted ones arrive as new.
      const reread = new Map(action.result.cards.map((card) => [String(card.id), card]))
      const updated = mapBoth(state, (card) => {
        const fresh = reread.get(String(card.id))
        // A change applied while the re-read was on its way is newer than the re-read.
        return fresh && !isStale(card, fresh.version) ? { ...fresh, lastLine: fresh.lastLine ?? card.lastLine } : card
      })
      return arrive(updated, action.result.cards, action.atTop)
    }
    case 'showPending':
      return state.pending.length ? { ...state, cards: [...state.pending, ...state.cards], pending: [] } : state
    case 'patch':
      return mapBoth(state, (card) => (sameId(card.id, action.id) ? patchCard(card, action.doc, action.version) : card))
    case 'remove': {
      if (!isKnown(state, action.id)) return state
      const keep = (card: Card) => !sameId(card.id, action.id)
      return {
        ...state,
        cards: state.cards.filter(keep),
        pending: state.pending.filter(keep),
        totalDocs: Math.max(0, state.totalDocs - 1),
      }
    }
    case 'line':
      return mapBoth(state, (card) => (sameId(card.id, action.conversation) ? withLine(card, action.line) : card))
    case 'markers':
      return mapBoth(state, (card) => {
        const markers = card.application === null ? undefined : action.markers.get(String(card.application))
        return markers ? { ...card, markers } : card
      })
    case 'customer':
      return mapBoth(state, (card) =>
        sameId(card.customer, action.id) && card.customerName !== action.fullName
          ? { ...card, customerName: action.fullName }
          : card,
      )
  }
}
