// The SSRF guard of outgoing webhooks (SPEC §15). A target must be http(s) and its host, or EVERY address its
// name resolves to, a public unicast address: loopback, link-local (169.254.169.254, the cloud metadata
// address, included), private (RFC 1918, ULA fc00::/7), unspecified, broadcast, multicast, CGNAT
// 100.64.0.0/10, reserved and translation ranges, and IPv4-mapped IPv6 of any of those are refused. At
// delivery the request connects to the address that was checked (a `lookup` that answers it), so a DNS
// answer that changes between the check and the connection (rebinding) cannot send it elsewhere.
// `webhooks.allowPrivateTargets` (WEBHOOK_ALLOW_PRIVATE_TARGETS=true) turns the address checks off.
import { lookup as dnsLookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import ipaddr from 'ipaddr.js'

export class TargetRefused extends Error {}

/** Why an address may not be a webhook target, or undefined when it may. */
export const refusedAddress = (address: string): string | undefined => {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6
  try {
    parsed = ipaddr.process(address) // IPv4-mapped IPv6 becomes the IPv4 address it maps
  } catch {
    return `${address} is not an IP address`
  }
  const range = parsed.range()
  return range === 'unicast' ? undefined : `${address} is a ${range} address`
}

/** The URL if it is one a webhook may target at all (http/https, no credentials), else TargetRefused. */
export const parseTargetUrl = (value: string): URL => {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new TargetRefused('must be an absolute http or https URL')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TargetRefused('must be http or https')
  if (url.username || url.password) throw new TargetRefused('must not carry credentials')
  return url
}

const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1')

export interface CheckedTarget {
  url: URL
  /** The address to connect to (checked), or undefined when private targets are allowed. */
  address?: { address: string; family: number }
}

/**
 * Checks a target: the URL, then the host's addresses (each DNS answer). Throws TargetRefused with the
 * reason. `allowPrivate`: only the URL is checked and the request resolves the name as usual.
 */
export const checkTarget = async (value: string, allowPrivate: boolean): Promise<CheckedTarget> => {
  const url = parseTargetUrl(value)
  if (allowPrivate) return { url }
  const host = hostOf(url)
  let answers: Array<{ address: string; family: number }>
  if (isIP(host)) answers = [{ address: host, family: isIP(host) }]
  else {
    try {
      answers = await dnsLookup(host, { all: true, verbatim: true })
    } catch (error: any) {
      throw new TargetRefused(`host ${host} does not resolve (${error?.code ?? 'error'})`)
    }
    if (!answers.length) throw new TargetRefused(`host ${host} does not resolve`)
  }
  for (const answer of answers) {
    const why = refusedAddress(answer.address)
    if (why) throw new TargetRefused(`host ${host} is not a public address: ${why}`)
  }
  return { url, address: answers[0] }
}
