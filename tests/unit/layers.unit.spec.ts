/**
 * Imports point one way: a folder of src/ imports only folders below it in LAYERS (and lib, which
 * everything may use). Read from the source text, so a new back edge fails here, not in review.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

/**
 * Bottom to top: events → projections → store → worker and rebuild → realtime → the board's queries
 * → exports → endpoints → views, with lib (settings, clients, the stream's names) under all but
 * events. Folders not named here (ops, portal, collections, …) are not checked.
 */
const LAYERS = [
  ['events'],
  ['lib'],
  ['projections'],
  ['store'],
  ['worker', 'rebuild'],
  ['realtime'],
  ['board'],
  ['export'],
  ['endpoints'],
  ['components'],
]

/** Edges up the order that stand for now, each with where it is meant to go. */
const KNOWN: Record<string, string> = {
  'worker → realtime': 'the worker publishes its changes to the change feed; announcing belongs to the writer (store)',
  'rebuild → realtime': 'rebuilds publish their changes to the change feed; as above',
}

const root = path.resolve('src')
const layerOf = (folder: string) => LAYERS.findIndex((layer) => layer.includes(folder))

function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8')
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((match) => match[1]!)
}

function folderOf(file: string): string {
  return path
    .relative(root, file)
    .split(path.sep)[0]!
    .replace(/\.tsx?$/, '')
}

function edges(): Set<string> {
  const found = new Set<string>()
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (/\.tsx?$/.test(entry.name)) {
        const from = folderOf(full)
        for (const target of importsOf(full)) {
          const resolved = target.startsWith('@/')
            ? path.join(root, target.slice(2))
            : target.startsWith('.')
              ? path.resolve(path.dirname(full), target)
              : undefined
          if (!resolved?.startsWith(root + path.sep)) continue
          const to = folderOf(resolved)
          if (to !== from) found.add(`${from} → ${to}`)
        }
      }
    }
  }
  walk(root)
  return found
}

describe('the layers of src/', () => {
  it('import only downward', () => {
    const upward = [...edges()].filter((edge) => {
      const [from, to] = edge.split(' → ') as [string, string]
      const [a, b] = [layerOf(from), layerOf(to)]
      // (worker and rebuild share a layer: neither imports the other)
      return a >= 0 && b >= 0 && b >= a
    })
    expect(upward.filter((edge) => !(edge in KNOWN))).toEqual([])
  })

  it('lists no known exception that is gone', () => {
    const all = edges()
    expect(Object.keys(KNOWN).filter((edge) => !all.has(edge))).toEqual([])
  })

  it('keep the pure core pure: events and projections import nothing from payload, ioredis or next', () => {
    const impure: string[] = []
    for (const folder of ['events', 'projections']) {
      const walk = (dir: string) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
          const full = path.join(dir, entry.name)
          if (entry.isDirectory()) walk(full)
          else if (importsOf(full).some((target) => /^(payload|ioredis|next)(\/|$)/.test(target)))
            impure.push(path.relative(root, full))
        }
      }
      walk(path.join(root, folder))
    }
    expect(impure).toEqual([])
  })
})
