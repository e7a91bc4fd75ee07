/** A class attribute from a base class and the modifiers that apply: `classNames('a', on && 'a--on')`. */
export const classNames = (...names: Array<string | false | null | undefined>): string =>
  names.filter(Boolean).join(' ')
