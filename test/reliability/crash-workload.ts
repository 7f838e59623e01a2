/**
 * The crash harness's clients (decision 057): simulated people who sign up, apply to the programme
 * and register through PICA against a real server process, and the ledger of every request the
 * server acknowledged with a 2xx. A request that was in flight when the server was killed is
 * neither acknowledged nor refused: its record keeps both outcomes as possible (`maybe`).
 */

export type Language = 'en' | 'es' | 'fr' | 'ja';

export interface AccountRecord {
  /** An applicant goes on to apply; a person only signs up, confirms and signs in. */
  kind: 'applicant' | 'person';
  email: string;
  name: string;
  language: Language;
  password: string;
  /** yes: the confirmation was acknowledged; maybe: it was in flight at the kill. */
  verified: 'no' | 'maybe' | 'yes';
  /** The session cookie of an acknowledged sign-in. */
  session?: string;
  /** From the acknowledged sign-in. */
  userId?: string;
  /** The application it started, once acknowledged. */
  applicationId?: string;
  /** A lane is working on it. */
  busy?: boolean;
  /** A request of it was in flight at a kill and its outcome cannot be told: nobody takes it up again. */
  lost?: boolean;
  round: number;
  passwordChecked?: boolean;
}

export type Answers = Record<string, unknown>;

export interface ApplicationRecord {
  id: string;
  reference: string;
  applicant: string;
  session: string;
  /** The state of the last acknowledged change. */
  version: number;
  answers: Answers;
  submitted: boolean;
  signatory?: { name: string; title: string };
  /** The change in flight at the kill: the application is in the acknowledged state or in this one. */
  pending?: { version: number; answers: Answers; submitted: boolean; signatory?: { name: string; title: string } };
  /** A lane is working on it. */
  busy?: boolean;
  round: number;
}

export interface SponsorshipRecord {
  id: string;
  registrationNumber: string;
  customerName: string;
  country: string;
  domain: string;
  purchaseReference: string;
  maxUses: number;
  /** The verification key, shown once in the 201: the harness keeps it to register people later. */
  key: string;
  /** The customer's employees who will register with it. */
  people: Person[];
  busy?: boolean;
  round: number;
}

export interface Person {
  email: string;
  name: string;
  jobTitle: string;
  language: Language;
  password: string;
  /** new: not tried yet; lost: its registration was in flight at a kill; registered: see `endUsers`. */
  state: 'new' | 'lost' | 'registered' | 'refused';
}

export interface EndUserRecord {
  email: string;
  name: string;
  jobTitle: string;
  language: Language;
  sponsorshipId: string;
  confirmed: 'no' | 'maybe' | 'yes';
  /** The sponsorship was used up when this person followed the link (410): nothing more to do. */
  refused?: boolean;
  round: number;
}

export interface Ledger {
  accounts: Map<string, AccountRecord>;
  applications: Map<string, ApplicationRecord>;
  sponsorships: Map<string, SponsorshipRecord>;
  endUsers: Map<string, EndUserRecord>;
  /** Answers the harness did not expect from a live server (a 4xx or 5xx before the kill). */
  problems: string[];
  /** Requests whose answer never came: in flight when the server was killed. */
  inFlight: number;
}

export const newLedger = (): Ledger => ({
  accounts: new Map(),
  applications: new Map(),
  sponsorships: new Map(),
  endUsers: new Map(),
  problems: [],
  inFlight: 0,
});

/** Seeded randomness (mulberry32): the same seed draws the same kill moments and the same data. */
export interface Rng {
  next(): number;
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
}

export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
  };
}

/** What every scenario of one round shares. */
export interface RoundContext {
  base: string;
  round: number;
  rng: Rng;
  ledger: Ledger;
  /** Set just before the SIGKILL: from then on a failed request was in flight, not refused. */
  killed: boolean;
  /** A short tag of this run (from the seed), so names are unique across runs on one server. */
  tag: string;
  setting: Setting;
  next: () => number;
  /** Counts every acknowledged request: the kill comes after a random number of them. */
  acknowledged: (what: string) => void;
}

/** The programme as seed-demo leaves it, read once through the API. */
export interface Setting {
  distributorId: string;
  agreementVersion: string;
  picaAdminSession: string;
  staffSession: string;
  picaContract: string;
}

export interface Answer {
  status: number;
  body: unknown;
  session?: string;
}

export async function call(
  base: string,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH',
  url: string,
  options: { body?: unknown; session?: string; ip?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.session) headers.cookie = `pp_session=${options.session}`;
  if (options.ip) headers['x-forwarded-for'] = options.ip;
  const res = await fetch(`${base}${url}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  const session = /pp_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // an HTML page
  }
  return { status: res.status, body, ...(session ? { session } : {}) };
}

/**
 * One request of a scenario: the answer when its status is expected; undefined when it was in
 * flight at the kill, or when the server answered something else while alive (a problem).
 */
async function step(
  r: RoundContext,
  what: string,
  send: () => Promise<Answer>,
  expected: number[],
): Promise<Answer | undefined> {
  let answer: Answer;
  try {
    answer = await send();
  } catch (error) {
    if (r.killed) {
      r.ledger.inFlight += 1;
      return undefined;
    }
    throw error;
  }
  if (expected.includes(answer.status)) {
    if (answer.status < 300) r.acknowledged(what);
    return answer;
  }
  r.ledger.problems.push(`round ${r.round}: ${what} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return undefined;
}

/**
 * The link an acknowledged request emailed, read from the local mailbox (/dev/mailbox, which
 * answers only the machine itself: no X-Forwarded-For). The email was committed with the change,
 * so it is there as soon as the 2xx is.
 */
async function emailedToken(r: RoundContext, email: string, linkPath: string): Promise<string | 'killed' | undefined> {
  try {
    const list = await fetch(`${r.base}/dev/mailbox`).then((res) => res.text());
    const ids = [...list.matchAll(/<td>([^<]+)<\/td>\s*<td>\s*<a href="\/dev\/mailbox\/(\d+)"/g)]
      .filter((m) => m[1] === email)
      .map((m) => m[2]!);
    for (const id of ids) {
      const page = await fetch(`${r.base}/dev/mailbox/${id}`).then((res) => res.text());
      const token = new RegExp(`${linkPath.replace(/\//g, '\\/')}\\?token=([A-Za-z0-9_-]+)`).exec(page)?.[1];
      if (token) return token;
    }
  } catch (error) {
    if (r.killed) return 'killed';
    throw error;
  }
  if (r.killed) return 'killed';
  r.ledger.problems.push(`round ${r.round}: no ${linkPath} email to ${email} in the mailbox after its 2xx`);
  return undefined;
}

const FIRST = ['Ana', 'Björn', 'Chloé', 'Dmitri', 'Eun-ji', 'François', 'Grete', 'Hiro', 'Inés', 'Jürgen', 'Kenji'];
const LAST = ['Álvarez', 'Brandt', 'Côté', 'Dubois', 'Eriksson', 'Fujita', 'García', 'Hoffmann', 'Müller', 'Ōta'];
const LANGUAGES: readonly Language[] = ['en', 'es', 'fr', 'ja'];
const CITIES = [
  { city: 'Berlin', postcode: '10117', street: 'Friedrichstraße' },
  { city: 'Hamburg', postcode: '20095', street: 'Mönckebergstraße' },
  { city: 'München', postcode: '80331', street: 'Kaufingerstraße' },
  { city: 'Köln', postcode: '50667', street: 'Hohe Straße' },
] as const;

const personName = (r: RoundContext) => `${r.rng.pick(FIRST)} ${r.rng.pick(LAST)}`;
const password = (r: RoundContext) => `Crash-${Math.floor(r.rng.next() * 1e12).toString(36)}-pass!`;

/** A unique, fictional company domain of this run: every row the harness makes is found by it. */
export const HARNESS_DOMAIN = 'crash.example';
const domainOf = (r: RoundContext, kind: string, n: number) => `${kind}-${r.tag}-r${r.round}-${n}.${HARNESS_DOMAIN}`;

/** A client's own network address, so that per-address rate limits apply per simulated client. */
const clientIp = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;

/** Marks a journey busy while one lane works on it, so that no other lane takes it up. */
async function working(record: { busy?: boolean }, work: () => Promise<unknown>): Promise<void> {
  record.busy = true;
  try {
    await work();
  } finally {
    record.busy = false;
  }
}

/** (b) A sign-up (202): the account's journey starts once it is acknowledged. */
async function signUp(r: RoundContext, kind: AccountRecord['kind'], email: string): Promise<AccountRecord | undefined> {
  const record: AccountRecord = {
    kind,
    email,
    name: personName(r),
    language: r.rng.pick(LANGUAGES),
    password: password(r),
    verified: 'no',
    round: r.round,
  };
  const signedUp = await step(
    r,
    `sign-up ${email}`,
    () =>
      call(r.base, 'POST', '/api/v1/auth/sign-up', {
        ip: clientIp(r.next()),
        body: { name: record.name, email, password: record.password, language: record.language },
      }),
    [202],
  );
  if (!signedUp) return undefined;
  r.ledger.accounts.set(email, record);
  return record;
}

/**
 * The emailed confirmation (204) and a sign-in (200), from wherever an earlier round's kill left
 * the account. True once it has a session.
 */
async function confirmAndSignIn(r: RoundContext, record: AccountRecord): Promise<boolean> {
  const ip = clientIp(r.next());
  if (record.verified === 'no') {
    const token = await emailedToken(r, record.email, '/verify-email');
    if (!token || token === 'killed') return false;
    record.verified = 'maybe';
    const verified = await step(
      r,
      `verify-email ${record.email}`,
      () => call(r.base, 'POST', '/api/v1/auth/verify-email', { ip, body: { token } }),
      [204],
    );
    if (!verified) return false;
    record.verified = 'yes';
  }
  if (record.verified !== 'yes') return false;
  if (!record.session) {
    const signIn = await step(
      r,
      `sign-in ${record.email}`,
      () =>
        call(r.base, 'POST', '/api/v1/auth/sign-in', { ip, body: { email: record.email, password: record.password } }),
      [200],
    );
    if (!signIn?.session) return false;
    record.session = signIn.session;
    record.userId = (signIn.body as { account: { id: string } }).account.id;
  }
  return true;
}

/** Answers for every step of the wizard, as a German reseller would give them. */
function applicationAnswers(r: RoundContext, applicant: AccountRecord): Record<string, Answers> {
  const domain = applicant.email.split('@')[1]!;
  const place = r.rng.pick(CITIES);
  const company = `Crash ${r.rng.pick(LAST)} ${r.rng.pick(['Systemhaus', 'IT-Service', 'Netzwerke'])} GmbH`;
  return {
    company: {
      legalName: company,
      legalForm: 'limited_company',
      country: 'DE',
      website: `https://${domain}`,
      registrationNumber: `HRB ${r.rng.int(1000, 99999)}`,
    },
    contacts: {
      primary: { name: applicant.name, email: applicant.email, phone: '+49 30 901820', title: 'Geschäftsführer' },
    },
    locations: {
      items: [
        {
          lines: [`${place.street} ${r.rng.int(1, 199)}`],
          city: place.city,
          postcode: place.postcode,
          country: 'DE',
          type: 'office',
        },
      ],
    },
    distributors: {
      items: [{ distributorId: r.setting.distributorId, accountNumber: `ACC-${domain}` }],
      initialDistributorId: r.setting.distributorId,
    },
    added_value: {
      canDemonstrate: true,
      providesServices: true,
      servicesDescription: `Vorführungen vor Ort und Dienstleistungen (${r.rng.int(1, 9)} Techniker) bei jedem Verkauf.`,
    },
    personnel: { items: [{ name: personName(r), email: `key@${domain}`, role: 'Account manager' }] },
  };
}

/**
 * (a) A partner application: an account, a draft (201), its six steps (200 each) and the signed
 * submission (201). Each lane takes up first what an earlier kill interrupted — an application,
 * else an applicant's account — from the state the restarted server showed, as people would.
 */
export async function applicantScenario(r: RoundContext): Promise<void> {
  const applications = [...r.ledger.applications.values()];
  const open = applications.find((a) => !a.submitted && !a.pending && !a.busy);
  if (open) {
    const applicant = r.ledger.accounts.get(open.applicant)!;
    return working(open, () => completeApplication(r, open, applicant));
  }
  const waiting = [...r.ledger.accounts.values()].find(
    (a) => a.kind === 'applicant' && !a.applicationId && !a.busy && !a.lost && a.verified !== 'maybe',
  );
  const applicant = waiting ?? (await signUp(r, 'applicant', `applicant@${domainOf(r, 'apply', r.next())}`));
  if (!applicant) return;
  await working(applicant, async () => {
    if (!(await confirmAndSignIn(r, applicant))) return;
    const session = applicant.session!;
    // A start in flight at the kill may or may not have made a draft: that journey ends there.
    applicant.lost = true;
    const started = await step(
      r,
      `start application of ${applicant.email}`,
      () => call(r.base, 'POST', '/api/v1/applications', { ip: clientIp(r.next()), session }),
      [201],
    );
    if (!started) return;
    applicant.lost = false;
    const draft = started.body as { id: string; reference: string; version: number };
    applicant.applicationId = draft.id;
    const record: ApplicationRecord = {
      id: draft.id,
      reference: draft.reference,
      applicant: applicant.email,
      session,
      version: draft.version,
      answers: {},
      submitted: false,
      round: r.round,
    };
    r.ledger.applications.set(record.id, record);
    await working(record, () => completeApplication(r, record, applicant));
  });
}

/** Saves the steps not saved yet, then signs and submits. */
async function completeApplication(r: RoundContext, record: ApplicationRecord, applicant: AccountRecord) {
  const ip = clientIp(r.next());
  const session = record.session;
  for (const [name, stepAnswers] of Object.entries(applicationAnswers(r, applicant))) {
    if (name in record.answers) continue;
    const answers = { ...record.answers, [name]: stepAnswers };
    record.pending = { version: record.version + 1, answers, submitted: false };
    const saved = await step(
      r,
      `save ${name} of ${record.reference}`,
      () =>
        call(r.base, 'PUT', `/api/v1/applications/${record.id}/${name.replace('_', '-')}`, {
          ip,
          session,
          body: { version: record.version, answers: stepAnswers },
        }),
      [200],
    );
    if (!saved) return;
    record.version = (saved.body as { application: { version: number } }).application.version;
    record.answers = answers;
    delete record.pending;
  }
  const signatory = { name: applicant.name, title: 'Geschäftsführer' };
  record.pending = { version: record.version + 1, answers: record.answers, submitted: true, signatory };
  const submitted = await step(
    r,
    `submit ${record.reference}`,
    () =>
      call(r.base, 'POST', `/api/v1/applications/${record.id}/submit`, {
        ip,
        session,
        body: {
          confirmsAuthority: true,
          ...signatory,
          acceptedAgreementVersion: r.setting.agreementVersion,
          consentsToRelease: true,
        },
      }),
    [201],
  );
  if (!submitted) return;
  record.version = (submitted.body as { application: { version: number } }).application.version;
  record.submitted = true;
  record.signatory = signatory;
  delete record.pending;
}

/** (b) Accounts on their own: sign-up, confirmation, sign-in — or the rest of an interrupted one. */
export async function accountScenario(r: RoundContext): Promise<void> {
  const waiting = [...r.ledger.accounts.values()].find(
    (a) => a.kind === 'person' && !a.session && !a.busy && !a.lost && a.verified !== 'maybe',
  );
  const n = r.next();
  const record =
    waiting ?? (await signUp(r, 'person', `${r.rng.pick(['ops', 'sales', 'it'])}-${n}@${domainOf(r, 'people', n)}`));
  if (record) await working(record, () => confirmAndSignIn(r, record));
}

/**
 * (c) PICA: the partner's PICA administrator sponsors a customer (201: a registration number and
 * a verification key, at most two uses); three of the customer's employees register with them at
 * once (202) and follow their emailed links (200, or 410 for the one who finds them used up). A
 * sponsorship whose people an earlier kill interrupted is taken up again first.
 */
export async function picaScenario(r: RoundContext): Promise<void> {
  const needsWork = (p: Person) => {
    if (p.state === 'new') return true;
    const user = r.ledger.endUsers.get(p.email);
    return p.state === 'registered' && user?.confirmed === 'no' && !user.refused;
  };
  const open = [...r.ledger.sponsorships.values()].find((s) => !s.busy && s.people.some(needsWork));
  const sponsorship = open ?? (await sponsor(r));
  if (!sponsorship) return;
  await working(sponsorship, () =>
    Promise.all(sponsorship.people.filter(needsWork).map((person) => register(r, sponsorship, person))),
  );
}

async function sponsor(r: RoundContext): Promise<SponsorshipRecord | undefined> {
  const n = r.next();
  const domain = domainOf(r, 'customer', n);
  const customerName = `Crash ${r.rng.pick(LAST)} ${r.rng.pick(['Logistik', 'Maschinenbau', 'Handel'])} AG`;
  const body = {
    customerName,
    country: 'DE',
    emailDomains: [domain],
    purchaseReference: `SO-${r.tag}-${n}`,
    attestPurchase: true,
    contractNumber: r.setting.picaContract,
    maxUses: 2,
  };
  const issued = await step(
    r,
    `sponsor ${customerName}`,
    () =>
      call(r.base, 'POST', '/api/v1/pica/sponsorships', {
        ip: clientIp(r.next()),
        session: r.setting.picaAdminSession,
        body,
      }),
    [201],
  );
  if (!issued) return undefined;
  const { sponsorship, verificationKey } = issued.body as {
    sponsorship: { id: string; registrationNumber: string };
    verificationKey: string;
  };
  const record: SponsorshipRecord = {
    id: sponsorship.id,
    registrationNumber: sponsorship.registrationNumber,
    customerName,
    country: 'DE',
    domain,
    purchaseReference: body.purchaseReference,
    maxUses: body.maxUses,
    key: verificationKey,
    people: [0, 1, 2].map(() => ({
      email: `${r.rng.pick(['anna', 'ben', 'cem', 'dora'])}.${r.next()}@${domain}`,
      name: personName(r),
      jobTitle: r.rng.pick(['Einkauf', 'IT-Leitung', 'Support']),
      language: r.rng.pick(LANGUAGES),
      password: password(r),
      state: 'new' as const,
    })),
    round: r.round,
  };
  r.ledger.sponsorships.set(record.id, record);
  return record;
}

async function register(r: RoundContext, sponsorship: SponsorshipRecord, person: Person): Promise<void> {
  const ip = clientIp(r.next());
  if (person.state === 'new') {
    // In flight at the kill, a registration may or may not exist: that person's journey ends there.
    person.state = 'lost';
    const registered = await step(
      r,
      `PICA registration ${person.email}`,
      () =>
        call(r.base, 'POST', '/api/v1/pica/registrations', {
          ip,
          body: {
            name: person.name,
            email: person.email,
            password: person.password,
            language: person.language,
            registrationNumber: sponsorship.registrationNumber,
            verificationKey: sponsorship.key,
            jobTitle: person.jobTitle,
          },
        }),
      [202, 410],
    );
    if (!registered) return;
    if (registered.status === 410) {
      person.state = 'refused';
      return;
    }
    person.state = 'registered';
    r.ledger.endUsers.set(person.email, {
      email: person.email,
      name: person.name,
      jobTitle: person.jobTitle,
      language: person.language,
      sponsorshipId: sponsorship.id,
      confirmed: 'no',
      round: r.round,
    });
  }
  const user = r.ledger.endUsers.get(person.email)!;
  const token = await emailedToken(r, person.email, '/pica/register/confirm');
  if (!token || token === 'killed') return;
  user.confirmed = 'maybe';
  const confirmed = await step(
    r,
    `PICA confirmation ${person.email}`,
    () => call(r.base, 'POST', '/api/v1/pica/registrations/confirm', { ip, body: { token } }),
    [200, 410],
  );
  if (!confirmed) return;
  user.confirmed = confirmed.status === 200 ? 'yes' : 'no';
  user.refused = confirmed.status === 410;
}

/** Runs each scenario in a loop on its own lane until the server is killed. */
export async function runLanes(r: RoundContext, lanes: (() => Promise<void>)[]): Promise<void> {
  await Promise.all(
    lanes.map(async (scenario) => {
      // A harness that gets answers it did not expect stops rather than repeating them.
      while (!r.killed && r.ledger.problems.length === 0) await scenario();
    }),
  );
}
