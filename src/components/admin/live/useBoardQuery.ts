'use client'
import { type Dispatch, type RefObject, useCallback, useEffect, useReducer, useRef, useState } from 'react'

import { type AttentionJudge, applicationMarkers, type CardQuery, loadCards } from '@/board/cards'
import type { Finder } from '@/board/finder'
import type { CardPage, ListFilters, RecordId } from '@/board/types'

import { useLatest } from '../shared/hooks'
import { initialListState, type ListAction, listReducer, type ListState } from './listState'

export type BoardQueryOptions = {
  finder: Finder
  /** The filters on the board: the list is read again whenever they change. */
  filters: ListFilters
  judge: AttentionJudge
  userId: number | string
  /** The first page, as the server rendered it. */
  initial: CardPage
  /** Whether the top of the list is on screen: only then do new cards go straight in. */
  atTop: () => boolean
}

export type BoardQuery = {
  state: ListState
  /** The list as of now, for callbacks that outlive a render. */
  stateRef: RefObject<ListState>
  dispatch: Dispatch<ListAction>
  /** What is being read: a page more, or the list for new filters. */
  loading: 'more' | 'filter' | null
  error: string | null
  /** Shows an error above the list; `null` clears it. */
  setError: (message: string | null) => void
  /** Shows why something failed: `fail('Reading X failed')(cause)`. */
  fail: (what: string) => (cause: unknown) => void
  loadMore: () => void
  /** Reads the list again in place: listed cards take the values read, unlisted ones arrive. */
  resync: () => void
  /** Reads the list again and replaces it: a newer question than any read in flight. */
  replace: (what: string) => void
  /** Reads the listed conversations of these ids (new ones, as the feed announced them). */
  arrive: (ids: string[]) => void
  /** Reads the risk markers of these applications again. */
  markers: (ids: RecordId[]) => void
}

/** A read of the board: the card query, and whether it outdates every answer still on its way. */
type Question = Pick<CardQuery, 'after' | 'where'> & { newQuestion?: boolean }

const describe = (cause: unknown) => (cause instanceof Error ? cause.message : String(cause))

/**
 * The board's query: the list of cards for the filters on the board, its pages, and the reads the
 * live feed asks for. Every read goes through one function; a read that asks a new question (new
 * filters, or reviews that change what the review filter admits) outdates the answers still on
 * their way, which are then dropped, failures included.
 */
export function useBoardQuery({ finder, filters, judge, userId, initial, atTop }: BoardQueryOptions): BoardQuery {
  const [state, dispatch] = useReducer(listReducer, initial, initialListState)
  const [loading, setLoading] = useState<BoardQuery['loading']>(null)
  const [error, setError] = useState<string | null>(null)
  const stateRef = useLatest(state)
  const inputsRef = useLatest({ finder, filters, judge, userId, atTop })
  const generation = useRef(0)
  const loadingMore = useRef(false)

  const fail = useCallback((what: string) => (cause: unknown) => setError(`${what}: ${describe(cause)}`), [])

  /** The answer to a question about the board, or undefined once a newer question has been asked. */
  const read = useCallback(
    async ({ newQuestion = false, after, where }: Question): Promise<CardPage | undefined> => {
      const mine = newQuestion ? ++generation.current : generation.current
      const { finder, filters, judge, userId } = inputsRef.current
      try {
        const result = await loadCards(finder, filters, { after, where, judge, userId })
        return mine === generation.current ? result : undefined
      } catch (cause) {
        if (mine === generation.current) throw cause
        return undefined
      }
    },
    [inputsRef],
  )

  const replace = useCallback(
    (what: string) =>
      void read({ newQuestion: true }).then(
        (result) => {
          if (!result) return
          dispatch({ type: 'replace', result })
          setLoading(null)
        },
        (cause: unknown) => {
          fail(what)(cause)
          setLoading(null)
        },
      ),
    [fail, read],
  )

  const resync = useCallback(
    () =>
      void read({}).then(
        (result) => result && dispatch({ type: 'resync', result, atTop: inputsRef.current.atTop() }),
        fail('Refreshing failed'),
      ),
    [fail, inputsRef, read],
  )

  const arrive = useCallback(
    (ids: string[]) =>
      void read({ where: { id: { in: ids } } }).then(
        (result) => result && dispatch({ type: 'arrive', cards: result.cards, atTop: inputsRef.current.atTop() }),
        fail('Reading a new conversation failed'),
      ),
    [fail, inputsRef, read],
  )

  const markers = useCallback(
    (ids: RecordId[]) =>
      void applicationMarkers(inputsRef.current.finder, ids)
        .then((found) => dispatch({ type: 'markers', markers: found }))
        .catch(fail('Reading risk markers failed')),
    [fail, inputsRef],
  )

  const loadMore = useCallback(() => {
    const { next } = stateRef.current
    if (loadingMore.current || !next) return
    loadingMore.current = true
    setLoading('more')
    void read({ after: next })
      .then(
        (result) => {
          if (!result) return
          dispatch({ type: 'append', result })
          setLoading(null)
        },
        (cause: unknown) => {
          fail('Loading more conversations failed')(cause)
          setLoading(null)
        },
      )
      .finally(() => (loadingMore.current = false))
  }, [fail, read, stateRef])

  // New filters: the list is read again, and replaced (the first render's list is the server's).
  const rendered = useRef(false)
  useEffect(() => {
    if (!rendered.current) {
      rendered.current = true
      return
    }
    setLoading('filter')
    setError(null)
    replace('Searching failed')
  }, [filters, replace])

  return { state, stateRef, dispatch, loading, error, setError, fail, loadMore, resync, replace, arrive, markers }
}
