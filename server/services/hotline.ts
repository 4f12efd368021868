/**
 * The hotline's words, shared by the deliverable metrics (issue 5) and the call-log import:
 * the departments a call is referred to under the 一门受理、协同处置 model, and the metrics a
 * hotline deliverable reports. All counts are aggregates; a call log carries no caller data.
 */

/** Departments a hotline call may be referred to, in the order they are shown. */
export const REFERRAL_DEPARTMENTS = [
  { code: 'public_security', name: '公安', nameEn: 'Public security' },
  { code: 'education', name: '教育', nameEn: 'Education' },
  { code: 'civil_affairs', name: '民政', nameEn: 'Civil affairs' },
  { code: 'justice', name: '司法', nameEn: 'Justice' },
  { code: 'health', name: '卫健', nameEn: 'Health' },
  { code: 'human_resources', name: '人社', nameEn: 'Human resources and social security' },
  { code: 'womens_federation', name: '妇联', nameEn: "Women's federation" },
  { code: 'youth_league', name: '团委', nameEn: 'Youth league' },
  { code: 'court', name: '法院', nameEn: 'Court' },
  { code: 'procuratorate', name: '检察院', nameEn: 'Procuratorate' },
  // Section 四(二) of the policy: 残联 protects disabled children's rights (#17).
  { code: 'disabled_persons_federation', name: '残联', nameEn: "Disabled persons' federation" },
  { code: 'other', name: '其他', nameEn: 'Other' },
] as const;

export type ReferralDepartment = (typeof REFERRAL_DEPARTMENTS)[number]['code'];

/** A department from what a call log or a form says: its code, Chinese or English name (case and spaces ignored). */
export function referralDepartmentOf(text: string): ReferralDepartment | undefined {
  const t = text.trim().toLowerCase();
  if (!t) return undefined;
  const found = REFERRAL_DEPARTMENTS.find((d) => d.code === t || d.name === t || d.nameEn.toLowerCase() === t);
  return found?.code;
}

/**
 * What a hotline deliverable reports. Rates are not stored: answer rate = answered / received,
 * closure rate = closed / received, shown where they are read.
 */
export type HotlineMetrics = {
  callsReceived: number;
  callsAnswered: number;
  /** Mean seconds until answer over the answered calls (0 when none were answered). */
  averageAnswerSeconds: number;
  /** Calls referred, per department code; departments with no referral are left out. */
  referrals: Partial<Record<ReferralDepartment, number>>;
  casesClosed: number;
};
