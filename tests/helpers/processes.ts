import fs from 'node:fs'

/** Every process below `root`, found by walking /proc (Linux). */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>()
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)])
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = []
  const queue = [root]
  while (queue.length) {
    for (const pid of children.get(queue.shift()!) ?? []) {
      found.push(pid)
      queue.push(pid)
    }
  }
  return found
}

/** A process's command line, its arguments joined by spaces; '' once it is gone. */
export const cmdline = (pid: number): string => {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')
  } catch {
    return ''
  }
}
