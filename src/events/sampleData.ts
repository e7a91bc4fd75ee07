/** Realistic Australian sample data for the corpus generator. */

/** `4200` as `4,200` (no locale data needed, so the same on every machine). */
export const withThousands = (amount: number): string => String(amount).replace(/\B(?=(\d{3})+(?!\d))/g, ',')

export const FIRST_NAMES = [
  'Olivia',
  'Charlotte',
  'Amelia',
  'Isla',
  'Mia',
  'Ava',
  'Grace',
  'Chloe',
  'Matilda',
  'Ruby',
  'Oliver',
  'Noah',
  'Jack',
  'William',
  'Leo',
  'Lucas',
  'Thomas',
  'Henry',
  'Charlie',
  'Cooper',
  'Aroha',
  'Mei',
  'Priya',
  'Nguyen',
  'Siosaia',
  'Kirra',
  'Jarrah',
  'Talia',
  'Declan',
  'Siobhan',
] as const

export const LAST_NAMES = [
  'Smith',
  'Jones',
  'Williams',
  'Brown',
  'Wilson',
  'Taylor',
  'Johnson',
  'White',
  'Martin',
  'Anderson',
  'Thompson',
  'Nguyen',
  'Tran',
  'Kelly',
  'Ryan',
  'Walker',
  'Harris',
  'O’Brien',
  'Papadopoulos',
  'Singh',
  'Chen',
  'Murphy',
  'Campbell',
  'Mitchell',
  'Clarke',
  'Kaur',
  'Rossi',
  'Wang',
  'Fitzgerald',
  'McDonald',
] as const

export const TITLES = ['Mr', 'Mrs', 'Ms', 'Miss', 'Dr', 'Mx'] as const

export const STREETS = [
  'George Street',
  'Collins Street',
  'Queen Street',
  'Hay Street',
  'King William Street',
  'Elizabeth Street',
  'Chapel Street',
  'Oxford Street',
  'Brunswick Street',
  'Beaufort Street',
  'Parramatta Road',
  'Sydney Road',
  'Anzac Parade',
  'Military Road',
  'Glenferrie Road',
  'Latrobe Terrace',
] as const

/** Suburb, state and postcode that belong together. */
export const LOCALITIES = [
  { city: 'Sydney', state: 'NSW', postcode: '2000' },
  { city: 'Newtown', state: 'NSW', postcode: '2042' },
  { city: 'Parramatta', state: 'NSW', postcode: '2150' },
  { city: 'Newcastle', state: 'NSW', postcode: '2300' },
  { city: 'Melbourne', state: 'VIC', postcode: '3000' },
  { city: 'Fitzroy', state: 'VIC', postcode: '3065' },
  { city: 'Geelong', state: 'VIC', postcode: '3220' },
  { city: 'Brisbane', state: 'QLD', postcode: '4000' },
  { city: 'Southport', state: 'QLD', postcode: '4215' },
  { city: 'Townsville', state: 'QLD', postcode: '4810' },
  { city: 'Perth', state: 'WA', postcode: '6000' },
  { city: 'Fremantle', state: 'WA', postcode: '6160' },
  { city: 'Adelaide', state: 'SA', postcode: '5000' },
  { city: 'Hobart', state: 'TAS', postcode: '7000' },
  { city: 'Canberra', state: 'ACT', postcode: '2601' },
  { city: 'Darwin', state: 'NT', postcode: '0800' },
] as const

export const LOAN_PURPOSES = [
  'Car repairs',
  'Moving house',
  'Dental work',
  'Vet bills',
  'Consolidating debts',
  'Wedding costs',
  'School fees',
  'New fridge',
  'Holiday',
  'Bond for a rental',
  'Medical expenses',
  'Laptop for study',
] as const

export const EMPLOYERS = [
  'Woolworths',
  'NSW Health',
  'Bunnings',
  'Telstra',
  'a local café',
  'myself (sole trader)',
  'the council',
] as const

export const PROCESS_STAGES = [
  { stageName: 'identity', steps: ['name', 'date_of_birth', 'address', 'contact_details', 'identity_document'] },
  { stageName: 'loan_details', steps: ['loan_purpose', 'loan_amount', 'loan_term'] },
  { stageName: 'serviceability', steps: ['income', 'expenses', 'statement_capture'] },
  { stageName: 'offer', steps: ['product_offer', 'attestation', 'decision'] },
] as const

/** One turn of the interview: what the assistant asks and how a customer answers. */
export type Turn = {
  step: string
  answerInputType: string
  ask: (name: string) => string
  answer: (facts: InterviewFacts) => string
}

export type InterviewFacts = {
  firstName: string
  lastName: string
  dateOfBirth: string
  street: string
  city: string
  state: string
  postcode: string
  email: string
  mobile: string
  loanPurpose: string
  loanAmount: number
  loanTerm: number
  income: number
  employer: string
  rent: number
}

export const INTERVIEW: readonly Turn[] = [
  {
    step: 'name',
    answerInputType: 'text',
    ask: () => "G'day, I'm Billie. I can help you apply for a personal loan. What's your full name?",
    answer: (f) => `${f.firstName} ${f.lastName}`,
  },
  {
    step: 'date_of_birth',
    answerInputType: 'date',
    ask: (name) => `Thanks ${name}. What's your date of birth?`,
    answer: (f) => f.dateOfBirth.split('-').reverse().join('/'),
  },
  {
    step: 'address',
    answerInputType: 'address',
    ask: () => 'Where do you live? Start typing your residential address.',
    answer: (f) => `${f.street}, ${f.city} ${f.state} ${f.postcode}`,
  },
  {
    step: 'contact_details',
    answerInputType: 'email',
    ask: () => "What's the best email address to reach you?",
    answer: (f) => f.email,
  },
  {
    step: 'contact_details',
    answerInputType: 'phone',
    ask: () => 'And your mobile number?',
    answer: (f) => f.mobile,
  },
  {
    step: 'loan_purpose',
    answerInputType: 'select',
    ask: () => 'What will the loan be for?',
    answer: (f) => f.loanPurpose,
  },
  {
    step: 'loan_amount',
    answerInputType: 'currency',
    ask: () => 'How much would you like to borrow? Between $200 and $5,000.',
    answer: (f) => `$${withThousands(f.loanAmount)}`,
  },
  {
    step: 'loan_term',
    answerInputType: 'select',
    ask: () => 'Over how many months would you like to repay it?',
    answer: (f) => `${f.loanTerm} months`,
  },
  {
    step: 'income',
    answerInputType: 'currency',
    ask: () => 'What is your take-home pay each month, and who do you work for?',
    answer: (f) => `About $${withThousands(f.income)} a month, I work for ${f.employer}`,
  },
  {
    step: 'expenses',
    answerInputType: 'currency',
    ask: () => 'Roughly how much do you spend on rent or board each month?',
    answer: (f) => `$${withThousands(f.rent)}`,
  },
  {
    step: 'statement_capture',
    answerInputType: 'consent',
    ask: () => 'To check affordability I need to read 90 days of bank statements. Do you consent?',
    answer: () => 'Yes, go ahead',
  },
  {
    step: 'product_offer',
    answerInputType: 'consent',
    ask: () => 'Here is your offer. Please review the fees and repayments. Would you like to accept it?',
    answer: () => 'Yes I accept',
  },
  {
    step: 'attestation',
    answerInputType: 'consent',
    ask: () => 'Please confirm the information you gave is true and complete.',
    answer: () => 'Confirmed',
  },
]

/** What a customer says once the interview is done, and how the assistant answers. */
export const SMALL_TALK = [
  ['How long will the decision take?', 'Usually a few minutes. I will let you know here as soon as it is ready.'],
  ['Can I pay it off early?', 'Yes, there is no early repayment fee.'],
  ['Is my information safe?', 'Yes. Your details are encrypted and used only to assess your application.'],
  ['What happens if I miss a repayment?', 'Let us know early and we can work out a plan. A late fee may apply.'],
  ['Can I change the repayment date?', 'You can change it once per month from the app.'],
] as const

export const EMOJI = ['🙂', '👍', '🙏', '😅', '🚗', '🐶', '🎉'] as const

/** Hostile-looking but valid: stored verbatim, escaped by whoever renders it. */
export const HOSTILE_TEXT = 'My name is <img src=x onerror=alert(1)> and I need $500 😬'

export const CLOSING_LINES = [
  'Thanks for applying with Billie. You can close this chat now.',
  'All done! We will email you a copy of your contract.',
] as const
