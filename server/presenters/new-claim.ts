import type { Contract } from '../../models/Contract.js';
import { today } from '../clock.js';
import type { Lang } from '../i18n/index.js';
import { engagementsOf } from './engagements.js';

/** The new-claim form: the contract's engagements to choose from, and the current month. */
export async function newClaimPage(c: Contract, lang: Lang) {
  const engagements = await engagementsOf(c.id);
  return {
    contract: { id: c.id, number: c.number },
    engagements: engagements.map((e) => ({ value: e.id, label: `${e.worker?.name ?? ''} ${e.worker?.idNumberMasked ?? ''} · ${e.startsOn} – ${e.endsOn}` })),
    defaultMonth: today().slice(0, 7),
    lang: lang.locale,
  };
}
