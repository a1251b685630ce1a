/**
 * Material grade equivalences, kept in this one table: each group lists names of the same
 * material in different systems (UNS, ASTM forging grade, EN material number, AISI, trade name).
 * A certificate prints one of them; a search for any other must still find it. So the index stores
 * every name of the group as normalised keys and a grade filter asks for any overlap.
 */
interface GradeGroup {
  family: string;
  names: readonly string[];
}

const GROUPS: readonly GradeGroup[] = [
  { family: 'duplex', names: ['S31803', 'F51', '1.4462', '2205', '22Cr duplex', 'X2CrNiMoN22-5-3'] },
  { family: 'duplex', names: ['S32205', 'F60'] },
  { family: 'super duplex', names: ['S32750', 'F53', '1.4410', '2507', '25Cr super duplex'] },
  { family: 'super duplex', names: ['S32760', 'F55', '1.4501', 'Zeron 100'] },
  { family: 'austenitic', names: ['316L', '1.4404', 'S31603', 'F316L', 'X2CrNiMo17-12-2'] },
  { family: 'austenitic', names: ['316', '1.4401', 'S31600', 'F316'] },
  { family: 'austenitic', names: ['304L', '1.4307', 'S30403', 'F304L'] },
  { family: 'austenitic', names: ['304', '1.4301', 'S30400', 'F304'] },
  { family: 'austenitic', names: ['321', '1.4541', 'S32100', 'F321'] },
  { family: 'super austenitic', names: ['S31254', 'F44', '1.4547', '254 SMO', '6Mo'] },
  { family: 'nickel alloy', names: ['625', 'N06625', '2.4856', 'Alloy 625'] },
  { family: 'nickel alloy', names: ['825', 'N08825', '2.4858', 'Alloy 825'] },
  { family: 'carbon steel', names: ['S355J2', '1.0577'] },
  { family: 'carbon steel', names: ['P265GH', '1.0425'] },
  { family: 'carbon steel', names: ['A105', 'A105N'] },
  { family: 'carbon steel', names: ['LF2'] },
  { family: 'carbon steel', names: ['WPB'] },
  { family: 'carbon steel', names: ['A106B'] },
  { family: 'low-alloy steel', names: ['16Mo3', '1.5415'] },
  { family: 'low-alloy steel', names: ['13CrMo4-5', '1.7335'] },
  { family: 'low-alloy steel', names: ['42CrMo4', '1.7225'] },
  { family: 'low-alloy steel', names: ['F22'] },
];

/** Words that name a system or a maker, not the material: "UNS S31803", "AISI 316L", "Inconel 625". */
const SYSTEM_PREFIX = /^(?:UNS|AISI|SS|ASTM|ASME|EN|DIN|W\.?\s*NR\.?|WNR|WERKSTOFF|ALLOY|INCONEL|INCOLOY)\s+/;
/** A product standard in front of the grade: "A182 F51", "SA-240 316L", "A312 TP316L". */
const SPEC_PREFIX = /^S?A\s*-?\s*\d{2,4}M?\s+/;
/** "Gr. B", "Grade 2": the word, not the grade. */
const GRADE_WORD = /\bGR(?:ADE)?\b\.?\s*/g;
/** EN delivery conditions (+N normalised, +QT quenched and tempered, +AR as rolled …). */
const DELIVERY_CONDITION = /\+[A-Z]{1,3}$/;

/** The comparable form of one name: upper case, no spaces, hyphens or underscores. */
const compact = (s: string) => s.replace(/[\s\-_]+/g, '');

const groupsByKey = new Map<string, GradeGroup[]>();
for (const group of GROUPS) {
  for (const name of group.names) {
    const key = compact(name.toUpperCase());
    groupsByKey.set(key, [...(groupsByKey.get(key) ?? []), group]);
  }
}
const keysOf = (group: GradeGroup) => group.names.map((n) => compact(n.toUpperCase()));

/** The key one printed name (not a list of names) stands for: a known name when it can be found. */
export function normaliseGrade(name: string): string {
  let s = name.toUpperCase().trim().replace(DELIVERY_CONDITION, '').trim();
  for (let previous = ''; previous !== s; ) {
    previous = s;
    s = s.replace(SYSTEM_PREFIX, '').trim();
  }
  s = s.replace(GRADE_WORD, '').trim();
  const whole = compact(s);
  const afterSpec = s.replace(SPEC_PREFIX, '');
  // "A106 Gr. B" is a grade of its own: a single letter after the standard is no grade by itself.
  const bare = afterSpec !== s && compact(afterSpec).length >= 2 ? compact(afterSpec) : whole;
  const candidates = [whole, whole.replace(/^(?:UNS|AISI|SS)(?=\w)/, ''), bare, bare.replace(/^(?:TP|WP)(?=\d)/, '')];
  return candidates.find((c) => groupsByKey.has(c)) ?? bare;
}

export interface GradeInfo {
  /** Normalised keys of the printed grade and every equivalent name (what the index stores). */
  keys: string[];
  /** The family of the first known name, for the facet; null for unknown grades. */
  family: string | null;
}

/**
 * What a printed grade means for search. A certificate may print several names at once
 * ("1.4404 / 316L", "UNS S31803 / S32205"): each part counts. Unknown grades keep their own key,
 * so an exact search for them still works.
 */
export function gradeInfo(printed: string | null | undefined): GradeInfo {
  if (!printed?.trim()) return { keys: [], family: null };
  const keys = new Set<string>();
  let family: string | null = null;
  for (const part of printed.split(/\s*[/,;]\s*|\s+(?:OR|AND)\s+/i)) {
    if (!part.trim()) continue;
    const key = normaliseGrade(part);
    if (!key) continue;
    keys.add(key);
    for (const group of groupsByKey.get(key) ?? []) {
      family ??= group.family;
      for (const k of keysOf(group)) keys.add(k);
    }
  }
  return { keys: [...keys], family };
}
