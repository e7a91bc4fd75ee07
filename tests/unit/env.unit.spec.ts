import { afterEach, describe, expect, it } from 'vitest'

import { booleanSetting, intSetting, positiveIntSetting, stringSetting, urlSetting } from '@/lib/env'

const NAME = 'BILLIE_TEST_SETTING'

afterEach(() => {
  delete process.env[NAME]
})

describe('settings from the environment', () => {
  it('take the default when unset or empty, and the value when given', () => {
    expect(intSetting(NAME, 7)).toBe(7)
    process.env[NAME] = '  '
    expect(intSetting(NAME, 7)).toBe(7)
    process.env[NAME] = ' 250 '
    expect(intSetting(NAME, 7)).toBe(250)
    process.env[NAME] = '0'
    expect(intSetting(NAME, 7)).toBe(0)
    process.env[NAME] = 'yes'
    expect(booleanSetting(NAME, false)).toBe(true)
    process.env[NAME] = 'false'
    expect(booleanSetting(NAME, true)).toBe(false)
    process.env[NAME] = ' redis://x:1 '
    expect(stringSetting(NAME, 'fallback')).toBe('redis://x:1')
    delete process.env[NAME]
    expect(urlSetting(NAME)).toBeUndefined()
    process.env[NAME] = ' https://hooks.example.com/alerts?team=ops '
    expect(urlSetting(NAME)).toBe('https://hooks.example.com/alerts?team=ops')
  })

  it('refuse what they cannot read, naming the variable and what it expects', () => {
    process.env[NAME] = '1.5'
    expect(() => intSetting(NAME, 7)).toThrow(`${NAME}=1.5 is not a non-negative integer`)
    process.env[NAME] = '-3'
    expect(() => intSetting(NAME, 7)).toThrow(`${NAME}=-3 is not a non-negative integer`)
    process.env[NAME] = '0'
    expect(() => positiveIntSetting(NAME, 7)).toThrow(`${NAME}=0 is not a positive integer`)
    process.env[NAME] = 'sometimes'
    expect(() => booleanSetting(NAME, true)).toThrow(`${NAME}=sometimes is not true or false`)
    for (const url of ['hooks.example.com/alerts', 'ftp://hooks.example.com/alerts']) {
      process.env[NAME] = url
      expect(() => urlSetting(NAME)).toThrow(`${NAME}=${url} is not an http:// or https:// URL`)
    }
  })
})
