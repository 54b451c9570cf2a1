/**
 * The published vocabulary of expertise areas (the `expertiseAreas` query). Profiles tag areas by
 * code; the words of an area help match a thread or a need to the people who tagged it, next to
 * full-text matching of what they wrote about themselves.
 */
export const EXPERTISE_AREAS: readonly { code: string; name: string; words: readonly string[] }[] = [
  {
    code: 'procurement',
    name: 'Public procurement',
    words: [
      'procurement',
      'tender',
      'tendering',
      'contract',
      'contracts',
      'supplier',
      'suppliers',
      'vendor',
      'vendors',
    ],
  },
  {
    code: 'budgeting',
    name: 'Budgeting and public finance',
    words: ['budget', 'budgets', 'budgeting', 'finance', 'financing', 'funding', 'treasury', 'expenditure'],
  },
  {
    code: 'digital-identity',
    name: 'Digital identity',
    words: ['identity', 'identification', 'biometric', 'registry', 'registries'],
  },
  {
    code: 'data-governance',
    name: 'Data governance and protection',
    words: ['data', 'privacy', 'protection', 'governance', 'consent', 'interoperability'],
  },
  {
    code: 'connectivity',
    name: 'Connectivity and infrastructure',
    words: ['connectivity', 'broadband', 'internet', 'network', 'infrastructure', 'electricity'],
  },
  {
    code: 'cybersecurity',
    name: 'Cybersecurity',
    words: ['cybersecurity', 'security', 'incident', 'incidents', 'breach', 'attack'],
  },
  {
    code: 'e-services',
    name: 'Digital public services',
    words: ['services', 'portal', 'e-government', 'egovernment', 'citizens', 'payments'],
  },
  {
    code: 'edtech',
    name: 'Education technology',
    words: ['edtech', 'devices', 'tablets', 'laptops', 'learning', 'platform'],
  },
  {
    code: 'curriculum',
    name: 'Curriculum and assessment',
    words: ['curriculum', 'assessment', 'examinations', 'exams', 'literacy', 'numeracy'],
  },
  {
    code: 'teacher-workforce',
    name: 'Teacher workforce',
    words: ['teacher', 'teachers', 'training', 'allowances', 'deployment', 'workforce'],
  },
  { code: 'skills', name: 'Digital skills', words: ['skills', 'upskilling', 'reskilling', 'literacy', 'training'] },
  {
    code: 'regulation',
    name: 'Policy and regulation',
    words: ['regulation', 'regulatory', 'policy', 'law', 'legislation', 'licensing'],
  },
  {
    code: 'partnerships',
    name: 'Public-private partnerships',
    words: ['partnership', 'partnerships', 'ppp', 'concession', 'investors'],
  },
  {
    code: 'monitoring-evaluation',
    name: 'Monitoring and evaluation',
    words: ['monitoring', 'evaluation', 'indicators', 'impact', 'results'],
  },
  {
    code: 'change-management',
    name: 'Change management',
    words: ['change', 'adoption', 'resistance', 'reform', 'reforms', 'leadership'],
  },
  {
    code: 'open-data',
    name: 'Open data and statistics',
    words: ['open', 'statistics', 'datasets', 'transparency', 'publication'],
  },
];

export const EXPERTISE_AREA_CODES = EXPERTISE_AREAS.map((area) => area.code);

/** The areas a text speaks of: one of its words (or tags) names the area or is one of its words. */
export function areasIn(words: ReadonlySet<string>): string[] {
  return EXPERTISE_AREAS.filter((area) => words.has(area.code) || area.words.some((word) => words.has(word))).map(
    (area) => area.code,
  );
}

/** The distinct words of a text, lower-cased, letters and digits only. */
export function wordsOf(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}-]*/gu) ?? []);
}
