import { Gutter, SetStepNav } from '@payloadcms/ui'
import type { AdminViewServerProps } from 'payload'
import React from 'react'

import { openApiDocument } from '@/portal/openapi'

import { requireStaff } from '../access'
import { StaffTemplate } from '../StaffTemplate'
import './portalApi.scss'

type JsonSchema = {
  type?: string | string[]
  anyOf?: JsonSchema[]
  enum?: unknown[]
  description?: string
  properties?: Record<string, JsonSchema>
  items?: JsonSchema
  required?: string[]
  title?: string
}
type Parameter = { name: string; in: string; required: boolean; description?: string; schema: JsonSchema }
type Operation = {
  summary: string
  operationId: string
  parameters: Parameter[]
  responses: Record<string, { description: string; content?: { 'application/json': { schema: JsonSchema } } }>
}

/** A JSON schema as a short type: `string | null`, `"draft" | "submitted"`, `Application[]`. */
function typeOf(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(' | ')
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(' | ')
  if (schema.type === 'array' && schema.items) return `${schema.items.title ?? typeOf(schema.items)}[]`
  if (schema.type === 'object' && schema.title) return schema.title
  return Array.isArray(schema.type) ? schema.type.join(' | ') : (schema.type ?? 'any')
}

/** Each field of an answer, nested objects and array items flattened as `documents[].state`. */
function fieldsOf(schema: JsonSchema, prefix = ''): Array<{ name: string; type: string; description?: string }> {
  const rows: Array<{ name: string; type: string; description?: string }> = []
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    const path = `${prefix}${name}`
    const described = field.description ?? field.anyOf?.find((option) => option.description)?.description
    rows.push({ name: path, type: typeOf(field), description: described })
    const nested = field.type === 'array' ? field.items : field.type === 'object' ? field : undefined
    if (nested?.properties) rows.push(...fieldsOf(nested, `${path}${field.type === 'array' ? '[]' : ''}.`))
  }
  return rows
}

/**
 * The customer portal API's reference, for staff: the same OpenAPI document the API serves at
 * /api/customer/openapi.json, as a page to read. A custom route: it checks the user first.
 */
export function PortalApiView(props: AdminViewServerProps) {
  const { initPageResult, params, searchParams } = props
  requireStaff(initPageResult, '/portal-api')
  const document = openApiDocument() as {
    info: { title: string; description: string }
    paths: Record<string, { get: Operation }>
  }
  return (
    <StaffTemplate initPageResult={initPageResult} params={params} searchParams={searchParams} viewType="portalApi">
      <SetStepNav nav={[{ label: 'Portal API' }]} />
      <Gutter className="billie-portal-api">
        <h1>{document.info.title}</h1>
        <p className="billie-portal-api__intro">{document.info.description}</p>
        <p>
          Machine-readable: <a href="/api/customer/openapi.json">/api/customer/openapi.json</a> (OpenAPI 3.1). Try it on
          this server with a development token: <code>pnpm portal-token &lt;customerId&gt;</code>.
        </p>
        {Object.entries(document.paths).map(([path, { get }]) => {
          const answer = get.responses['200']?.content?.['application/json'].schema
          return (
            <section className="billie-portal-api__operation" id={get.operationId} key={path}>
              <h2>
                <span className="billie-portal-api__method">GET</span> <code>{path}</code>
              </h2>
              <p>{get.summary}</p>
              <h3>Parameters</h3>
              <table>
                <tbody>
                  {get.parameters.map((parameter) => (
                    <tr key={parameter.name}>
                      <td>
                        <code>{parameter.name}</code>
                      </td>
                      <td>{parameter.in}</td>
                      <td>{parameter.required ? 'required' : 'optional'}</td>
                      <td>{parameter.description}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {answer && (
                <>
                  <h3>Answer (200)</h3>
                  <table>
                    <tbody>
                      {fieldsOf(answer).map((field) => (
                        <tr key={field.name}>
                          <td>
                            <code>{field.name}</code>
                          </td>
                          <td>
                            <code>{field.type}</code>
                          </td>
                          <td>{field.description}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </>
              )}
              <h3>Refusals</h3>
              <ul>
                {Object.entries(get.responses)
                  .filter(([status]) => status !== '200')
                  .map(([status, response]) => (
                    <li key={status}>
                      <strong>{status}</strong> {response.description}
                    </li>
                  ))}
              </ul>
            </section>
          )
        })}
      </Gutter>
    </StaffTemplate>
  )
}
