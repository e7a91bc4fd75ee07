'use client'
import { useConfig } from '@payloadcms/ui'
import { useCallback, useSyncExternalStore } from 'react'

import { readChangeMessage } from '@/projections/changes'

import { callApi, type Review } from './types'

/**
 * The open reviews, by conversation id, shared by every badge on a page: one read and one
 * change-feed subscription (`?collection=reviews`) however many cards show, opened with the
 * first badge and closed with the last.
 */
type Store = { reviews: Map<string, Review>; listeners: Set<() => void>; close?: () => void }

const store: Store = { reviews: new Map(), listeners: new Set() }
const EMPTY = new Map<string, Review>()

const notify = () => {
  store.reviews = new Map(store.reviews)
  for (const listener of store.listeners) listener()
}

function put(review: Review) {
  const byConversation = store.reviews
  for (const [conversationId, known] of byConversation) {
    if (String(known.id) === String(review.id) && conversationId !== review.conversationId)
      byConversation.delete(conversationId)
  }
  if (review.status === 'open') byConversation.set(review.conversationId, review)
  else if (String(byConversation.get(review.conversationId)?.id) === String(review.id))
    byConversation.delete(review.conversationId)
}

async function reload(api: string) {
  const where = encodeURIComponent(JSON.stringify({ status: { equals: 'open' } }))
  const page = await callApi<{ docs: Review[] }>(`${api}/reviews?where=${where}&depth=0&limit=2000&sort=-updatedAt`)
  store.reviews = new Map()
  for (const review of page.docs.reverse()) put(review)
  notify()
}

function open(api: string): () => void {
  const source = new EventSource(`${api}/realtime?collection=reviews`)
  // `ready` (first connection, and each reconnection) and `reset`: re-read what may have been missed.
  const resync = () => void reload(api).catch(() => undefined)
  source.addEventListener('ready', resync)
  source.addEventListener('reset', resync)
  source.addEventListener('reviews', (event) => {
    const change = readChangeMessage((event as MessageEvent<string>).data, 'reviews')
    if (change?.collection !== 'reviews') return
    const known = [...store.reviews.values()].find((review) => String(review.id) === String(change.id))
    if (change.operation === 'delete') {
      if (known) store.reviews.delete(known.conversationId)
    } else put({ ...known, ...change.doc })
    notify()
  })
  return () => source.close()
}

function subscribe(api: string, listener: () => void): () => void {
  store.listeners.add(listener)
  if (store.listeners.size === 1 && typeof EventSource !== 'undefined') store.close = open(api)
  return () => {
    store.listeners.delete(listener)
    if (store.listeners.size === 0) {
      store.close?.()
      store.close = undefined
    }
  }
}

/** Every open review by conversation id, live (a new map whenever any review changes). */
export function useOpenReviews(): ReadonlyMap<string, Review> {
  const {
    config: {
      routes: { api },
    },
  } = useConfig()
  const subscribeHere = useCallback((listener: () => void) => subscribe(api, listener), [api])
  return useSyncExternalStore(
    subscribeHere,
    () => store.reviews,
    () => EMPTY,
  )
}

/** The open review of a conversation, live; undefined while there is none. */
export const useOpenReview = (conversationId: string): Review | undefined => useOpenReviews().get(conversationId)
