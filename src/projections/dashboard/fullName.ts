type NameParts = {
  firstName?: string | null
  middleName?: string | null
  lastName?: string | null
  preferredName?: string | null
}

/** First, middle and last name joined; else the preferred name; else empty. */
export const composeFullName = ({ firstName, middleName, lastName, preferredName }: NameParts): string =>
  [firstName, middleName, lastName]
    .map((part) => part?.trim())
    .filter(Boolean)
    .join(' ') ||
  preferredName?.trim() ||
  ''
