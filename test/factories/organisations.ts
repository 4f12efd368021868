import { Organisation } from '../../models/index.js';
import type { OrganisationStatus, OrganisationType } from '../../models/Organisation.js';
import { usccCheckCharacter } from '../../server/services/identifiers.js';
import { district, unique } from './index.js';

/**
 * A unified social credit code registered by 民政 in 深圳 (`5` + type + 440300 …) with a correct
 * GB 32100-2015 check character: type `1` 社会团体, `2` 社会服务机构, `3` 基金会.
 */
export function usccOfType(type: '1' | '2' | '3' = '2'): string {
  let body = `5${type}440300`;
  while (body.length < 17) body += String(Math.floor(Math.random() * 10));
  return body + usccCheckCharacter(body);
}

/** The same code as a Chinese input method in full-width mode types it, in lower case. */
export function fullWidthLower(code: string): string {
  return [...code.toLowerCase()].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('');
}

/** A code whose check character is wrong. */
export function usccWithWrongCheck(): string {
  const good = usccOfType('2');
  const wrong = good[17] === '0' ? '1' : '0';
  return good.slice(0, 17) + wrong;
}

/** A registered organisation with its whole record, in 福田 unless told. */
export async function buildRegisteredOrganisation(
  attrs: { districtCode?: string; name?: string; status?: OrganisationStatus; orgType?: OrganisationType; uscc?: string } = {},
): Promise<Organisation> {
  const d = await district(attrs.districtCode ?? 'FT');
  return Organisation.create({
    name: attrs.name ?? `测试社工服务中心${unique()}`,
    uscc: attrs.uscc ?? usccOfType('2'),
    districtId: d.id,
    status: attrs.status ?? 'active',
    orgType: attrs.orgType,
    address: '深圳市福田区福华路 1 号',
    legalRepresentative: '张三',
    contactName: '李四',
    contactPhone: '075512345678',
    contactEmail: 'office@example.org',
    socialWorkerCount: 12,
    counsellorCount: 3,
    lawyerCount: 1,
  });
}

/** A small but real PDF, as the sniffer recognises it. */
export function pdfBytes(text: string): Buffer {
  return Buffer.from(`%PDF-1.7\n% ${text}\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n`, 'utf8');
}
