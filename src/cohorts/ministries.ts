/** The ministry codes a membership may carry; published through the `ministries` query. */
export const MINISTRIES: readonly { code: string; name: string }[] = [
  { code: 'education', name: 'Education' },
  { code: 'finance', name: 'Finance' },
  { code: 'ict', name: 'ICT and digital' },
  { code: 'planning', name: 'Planning and economic development' },
  { code: 'science-technology', name: 'Science and technology' },
  { code: 'communications', name: 'Communications' },
  { code: 'health', name: 'Health' },
  { code: 'academia', name: 'Academia' },
  { code: 'private-sector', name: 'Private sector' },
  { code: 'other', name: 'Other' },
];

export const MINISTRY_CODES = MINISTRIES.map((ministry) => ministry.code);
