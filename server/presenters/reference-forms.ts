import { AGENCY_KINDS, type Agency } from '../../models/Agency.js';
import type { District } from '../../models/District.js';
import { SUB_DISTRICT_KINDS, type SubDistrict } from '../../models/SubDistrict.js';
import type { FieldErrors } from '../errors.js';
import type { Translate } from '../i18n/index.js';
import { editFormValues } from './stale-edit.js';

/** What a form shows: the submitted values (kept after a failure) and the errors by field. */
export type FormState = { values: Record<string, unknown>; errors: FieldErrors };

export const emptyFormState = (): FormState => ({ values: {}, errors: {} });

/** A submitted value as the text a field shows again; the record's value when nothing was sent. */
function shownValue(form: FormState, field: string, fallback: string): string {
  const v = form.values[field];
  return typeof v === 'string' ? v : fallback;
}

/**
 * The version and opened digests an edit form carries (presenters/stale-edit.ts): what was sent
 * back after a refused post, else the record's as the form opens.
 */
function versionOf(form: FormState, opened: Record<string, unknown>) {
  return form.values._version !== undefined ? { _version: form.values._version, _opened: form.values._opened } : opened;
}

/** A district's edit form as it opens (and as a stale save's notice compares it). */
export function districtFormValues(district: District): Record<string, unknown> {
  return editFormValues(district, {
    name: district.name,
    nameEn: district.nameEn,
    singleFinanceReviewer: district.singleFinanceReviewer ? '1' : '',
    singleFinanceReviewerNote: district.singleFinanceReviewerNote ?? '',
  });
}

/** A sub-district's rename form as it opens. */
export function subDistrictFormValues(subDistrict: SubDistrict): Record<string, unknown> {
  return editFormValues(subDistrict, { name: subDistrict.name });
}

/** An agency's rename form as it opens. */
export function agencyFormValues(agency: Agency): Record<string, unknown> {
  return editFormValues(agency, { name: agency.name });
}

/** The form that corrects a district's names. */
export function districtFormView(district: District, form: FormState, t: Translate) {
  return {
    title: t('reference.editDistrictTitle', { name: district.name }),
    action: `/reference/districts/${district.id}`,
    backHref: `/reference/districts/${district.id}`,
    values: {
      name: shownValue(form, 'name', district.name),
      nameEn: shownValue(form, 'nameEn', district.nameEn),
      // A box sends nothing when cleared: after a refused post, what was sent; else the record's.
      singleFinanceReviewer: Object.keys(form.values).length ? form.values.singleFinanceReviewer === '1' : district.singleFinanceReviewer,
      singleFinanceReviewerNote: shownValue(form, 'singleFinanceReviewerNote', district.singleFinanceReviewerNote ?? ''),
      ...versionOf(form, districtFormValues(district)),
    },
    errors: form.errors,
  };
}

/** The form that adds a sub-district to `district`, or renames `subDistrict`. */
export function subDistrictFormView(district: District, subDistrict: SubDistrict | null, form: FormState, t: Translate) {
  const defaultKind = district.kind === 'cooperation_zone' ? 'town' : 'subdistrict';
  return {
    title: subDistrict ? t('reference.renameSubDistrictTitle', { name: subDistrict.name }) : t('reference.addSubDistrictTitle', { district: district.name }),
    action: subDistrict ? `/reference/sub-districts/${subDistrict.id}` : `/reference/districts/${district.id}/sub-districts`,
    backHref: `/reference/districts/${district.id}`,
    isNew: !subDistrict,
    values: {
      name: shownValue(form, 'name', subDistrict?.name ?? ''),
      kind: shownValue(form, 'kind', defaultKind),
      ...(subDistrict ? versionOf(form, subDistrictFormValues(subDistrict)) : {}),
    },
    kindOptions: SUB_DISTRICT_KINDS.map((k) => ({ value: k, label: t(`reference.subDistrictKinds.${k}`) })),
    errors: form.errors,
  };
}

/** The form that adds an agency to `district`, or renames `agency` (its kind stays). */
export function agencyFormView(district: District, agency: Agency | null, form: FormState, t: Translate) {
  return {
    title: agency ? t('reference.renameAgencyTitle', { name: agency.name }) : t('reference.addAgencyTitle', { district: district.name }),
    action: agency ? `/reference/agencies/${agency.id}` : `/reference/districts/${district.id}/agencies`,
    backHref: `/reference/districts/${district.id}`,
    isNew: !agency,
    kindLabel: agency ? t(`reference.agencyKinds.${agency.kind}`) : '',
    values: {
      name: shownValue(form, 'name', agency?.name ?? ''),
      kind: shownValue(form, 'kind', ''),
      ...(agency ? versionOf(form, agencyFormValues(agency)) : {}),
    },
    kindOptions: [{ value: '', label: t('reference.chooseKind') }, ...AGENCY_KINDS.map((k) => ({ value: k, label: t(`reference.agencyKinds.${k}`) }))],
    errors: form.errors,
  };
}
