import { expect } from 'chai';
import { type CategorySet, hotlineMetricsOf, hotlineValuesOf } from '../../server/services/deliverable-metrics.js';
import { reportingPeriods } from '../../server/services/reporting-schedule.js';
import { categorySetOf } from '../../server/services/service-categories.js';

describe('deliverables: metric catalogue and reporting schedule', () => {
  // The categories are data (#21): the seeded version of this year holds what the code held before.
  let set: CategorySet;
  let metricErrors: CategorySet['metricErrors'];
  let parseMetricFields: CategorySet['parseMetricFields'];
  let targetMetricOf: CategorySet['targetMetricOf'];
  let withDerived: CategorySet['withDerived'];
  before(async () => {
    set = await categorySetOf(2026);
    metricErrors = set.metricErrors.bind(set);
    parseMetricFields = set.parseMetricFields.bind(set);
    targetMetricOf = set.targetMetricOf.bind(set);
    withDerived = set.withDerived.bind(set);
  });

  it('refuses negative, fractional and non-numeric counts beside their fields; hours take two decimals', () => {
    const parsed = parseMetricFields('home_visit', { m_visits: '-3', m_households: '2.5', m_followUps: 'abc' });
    expect(parsed.errors).to.deep.equal({
      m_visits: 'deliverables.validation.count',
      m_households: 'deliverables.validation.count',
      m_followUps: 'deliverables.validation.count',
    });
    const hours = parseMetricFields('psychological_service', { m_emotional_comfort__hours: '12.75', m_emotional_comfort__sessions: '８' });
    expect(hours.errors).to.deep.equal({});
    expect(hours.values).to.deep.equal({ 'emotional_comfort.hours': 12.75, 'emotional_comfort.sessions': 8 });
    expect(metricErrors('home_visit', { visits: -1 }, false)).to.deep.equal({ m_visits: 'deliverables.validation.count' });
    expect(metricErrors('home_visit', { visits: 1.5 }, false)).to.deep.equal({ m_visits: 'deliverables.validation.count' });
  });

  it('checks the cross-field rules of each category', () => {
    expect(metricErrors('hotline', { callsReceived: 10, callsAnswered: 11 }, false)).to.have.property('m_callsAnswered', 'deliverables.validation.notMoreThan');
    expect(metricErrors('hotline', { callsReceived: 10, casesClosed: 12 }, false)).to.have.property('m_casesClosed');
    expect(metricErrors('hotline', { callsReceived: 10, 'referrals.education': 11 }, false)).to.have.property('m_referrals__education');
    expect(metricErrors('hotline', { callsAnswered: 0, averageAnswerSeconds: 30 }, false)).to.have.property(
      'm_averageAnswerSeconds',
      'deliverables.validation.needs',
    );
    expect(metricErrors('guardianship_assessment', { assessments: 5, highRisk: 6 }, false)).to.have.property('m_highRisk');
    expect(metricErrors('training', { sessions: 1, trainees: 20, passed: 21 }, false)).to.have.property('m_passed');
    expect(metricErrors('training', { sessions: 0, trainees: 20, passed: 1 }, false)).to.have.property('m_trainees', 'deliverables.validation.needs');
    expect(metricErrors('home_visit', { visits: 3, households: 4 }, false)).to.have.property('m_households');
    expect(metricErrors('policy_publicity', { events: 0, reach: 100 }, false)).to.have.property('m_reach');
    expect(metricErrors('psychological_service', { 'interpersonal_adjustment.sessions': 0, 'interpersonal_adjustment.hours': 2 }, false)).to.have.property(
      'm_interpersonal_adjustment__hours',
    );
    expect(
      metricErrors('hotline', { callsReceived: 10, callsAnswered: 10, averageAnswerSeconds: 12, casesClosed: 3, 'referrals.public_security': 2 }, true),
    ).to.deep.equal({});
  });

  it('asks for every metric at submission but not in a draft (referral departments may stay blank)', () => {
    expect(metricErrors('training', { sessions: 1 }, false)).to.deep.equal({});
    expect(metricErrors('training', { sessions: 1 }, true)).to.deep.equal({
      m_trainees: 'deliverables.validation.required',
      m_passed: 'deliverables.validation.required',
    });
    expect(metricErrors('hotline', { callsReceived: 1, callsAnswered: 1, averageAnswerSeconds: 5, casesClosed: 1 }, true)).to.deep.equal({});
  });

  it('derives totals, maps contract targets onto the catalogue and round-trips the hotline metrics of the call-log import', () => {
    expect(withDerived('hotline', { 'referrals.education': 2, 'referrals.justice': 3 }).referrals).to.equal(5);
    expect(withDerived('psychological_service', { 'emotional_comfort.hours': 1.5, 'psychological_counselling.hours': 2.25 }).hours).to.equal(3.75);
    expect(targetMetricOf('home_visit', 'visits')).to.deep.equal({ category: 'home_visit', key: 'visits' });
    expect(targetMetricOf('emotional_comfort', 'hours')).to.deep.equal({ category: 'psychological_service', key: 'emotional_comfort.hours' });
    expect(targetMetricOf('hotline', 'averageAnswerSeconds')).to.equal(undefined);
    expect(targetMetricOf('home_visit', 'calls')).to.equal(undefined);
    const h = { callsReceived: 100, callsAnswered: 90, averageAnswerSeconds: 14, referrals: { public_security: 3, education: 1 }, casesClosed: 80 };
    expect(hotlineMetricsOf(hotlineValuesOf(h))).to.deep.equal(h);
  });

  it('makes monthly, quarterly and set-date periods within the term, due after the grace days', () => {
    const term = { termStart: '2026-01-01', termEnd: '2026-12-31' };
    const monthly = reportingPeriods('monthly', term, { graceDays: 5 });
    expect(monthly).to.have.length(12);
    expect(monthly[1]).to.deep.equal({ periodStart: '2026-02-01', periodEnd: '2026-02-28', dueOn: '2026-03-05' });
    const quarterly = reportingPeriods('quarterly', { termStart: '2026-03-15', termEnd: '2026-09-30' }, { graceDays: 10 });
    expect(quarterly).to.deep.equal([
      { periodStart: '2026-03-15', periodEnd: '2026-06-14', dueOn: '2026-06-24' },
      { periodStart: '2026-06-15', periodEnd: '2026-09-14', dueOn: '2026-09-24' },
      { periodStart: '2026-09-15', periodEnd: '2026-09-30', dueOn: '2026-10-10' },
    ]);
    expect(reportingPeriods('dates', term, { graceDays: 0, dates: ['2026-12-31', '2026-06-30', '2026-06-30'] })).to.deep.equal([
      { periodStart: '2026-01-01', periodEnd: '2026-06-30', dueOn: '2026-06-30' },
      { periodStart: '2026-07-01', periodEnd: '2026-12-31', dueOn: '2026-12-31' },
    ]);
  });
});
