/**
 * A real DNS server on a loopback UDP port (the `dns2` package), answering TXT questions from
 * a table the test sets: `coursemail doctor` asks it through COURSEMAIL_DNS_SERVER.
 * A name not in the table is NXDOMAIN.
 */
import dns2 from 'dns2';
import { FAKE_DKIM_VALUE } from './fake-resend-domains.ts';

export interface LocalDns {
  /** `127.0.0.1:PORT`, the value for COURSEMAIL_DNS_SERVER. */
  address: string;
  /** Replaces the TXT records: name → records (each one string). */
  setTxt(records: Record<string, string[]>): void;
  close(): Promise<void>;
}

export async function startLocalDns(records: Record<string, string[]> = {}): Promise<LocalDns> {
  const { Packet } = dns2;
  let txt = new Map(Object.entries(records).map(([k, v]) => [k.toLowerCase(), v]));
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      const [question] = request.questions;
      const name = (question?.name ?? '').toLowerCase();
      const found = txt.get(name);
      // NXDOMAIN (dns2's typings lack Packet.RCODE).
      if (!found) response.header.rcode = 3;
      else if (question?.type === Packet.TYPE.TXT) {
        for (const data of found)
          response.answers.push({
            name: question.name,
            type: Packet.TYPE.TXT,
            class: Packet.CLASS.IN,
            ttl: 60,
            data,
          } as unknown as (typeof response.answers)[number]);
      }
      send(response);
    },
  });
  const { udp } = await server.listen({ udp: { port: 0, address: '127.0.0.1' } });
  return {
    address: `127.0.0.1:${udp!.port}`,
    setTxt(next) {
      txt = new Map(Object.entries(next).map(([k, v]) => [k.toLowerCase(), v]));
    },
    close: () => server.close(),
  };
}

/** Good records for `domain` sending through Resend. */
export function resendRecords(domain: string): Record<string, string[]> {
  return {
    [`send.${domain}`]: ['v=spf1 include:amazonses.com ~all'],
    [`resend._domainkey.${domain}`]: [FAKE_DKIM_VALUE],
    [`_dmarc.${domain}`]: [`v=DMARC1; p=quarantine; rua=mailto:dmarc@${domain}`],
  };
}
