/**
 * REG-7: "not a rented mailbox, a private residence, or a commercial logistics supplier".
 * Pure detection of addresses that are not a business's own premises, by category, in the
 * local forms of the countries the programme serves. Wording families live here (they are the
 * rule); provider names are data (data-files/address-watchlist.csv plus staff entries).
 * Measured by `npm run eval:checks` on data-files/eval/ (decision 028).
 */

export const ADDRESS_CATEGORIES = [
  'po_box',
  'mail_drop',
  'forwarding',
  'pickup_point',
  'logistics',
  'care_of',
] as const;
export type AddressCategory = (typeof ADDRESS_CATEGORIES)[number];

/** A provider from the maintained list; `kind` says which category a match belongs to. */
export const WATCHLIST_KINDS = [
  'mail_drop',
  'virtual_office',
  'logistics',
  'forwarding',
  'pickup_point',
  'po_box',
  'care_of',
] as const;
export type WatchlistKind = (typeof WATCHLIST_KINDS)[number];

export interface WatchlistEntry {
  kind: WatchlistKind;
  name: string;
}

const KIND_CATEGORY: Record<WatchlistKind, AddressCategory> = {
  mail_drop: 'mail_drop',
  virtual_office: 'mail_drop',
  forwarding: 'forwarding',
  pickup_point: 'pickup_point',
  logistics: 'logistics',
  po_box: 'po_box',
  care_of: 'care_of',
};

/** One flag: what kind of address, the words that gave it away, and the line (1-based) they are on. */
export interface AddressFlag {
  category: AddressCategory;
  evidence: string;
  line: number;
  provider?: string;
}

// ---- Normalisation that keeps positions, so the evidence is quoted as the applicant typed it ----

const SPECIAL: Record<string, string> = {
  ß: 'ss',
  ø: 'o',
  æ: 'ae',
  œ: 'oe',
  ł: 'l',
  đ: 'd',
  ı: 'i',
  þ: 'th',
  '’': "'",
  '–': '-',
  '—': '-',
};

/**
 * Lower case, Latin accents removed (Cyrillic й, Hangul and kana are left whole), full-width
 * forms folded (NFKC: "℅" becomes "c/o"). `map[i]` is the index in the original of char i.
 */
function normaliseWithMap(text: string): { text: string; map: number[] } {
  let out = '';
  const map: number[] = [];
  let index = 0;
  for (const char of text) {
    const lower = char.toLowerCase();
    let folded = SPECIAL[lower];
    if (folded === undefined) {
      const decomposed = lower.normalize('NFKD');
      folded = /^[a-z]/.test(decomposed)
        ? decomposed.replace(/[\u0300-\u036f]/g, '')
        : /^[\u0300-\u036f]$/.test(lower)
          ? ''
          : lower.normalize('NFKC').toLowerCase();
    }
    out += folded;
    for (let k = 0; k < folded.length; k++) map.push(index);
    index += char.length;
  }
  map.push(index);
  return { text: out, map };
}

const STREET_WORDS: Record<string, string> = {
  street: 'st',
  road: 'rd',
  avenue: 'ave',
  suite: 'ste',
  highway: 'hwy',
  drive: 'dr',
  boulevard: 'blvd',
};

/**
 * Lower case, accents and punctuation removed, umlauts spelt either way, street words
 * abbreviated: for matching provider names and known addresses however they are written.
 */
export function normaliseForMatch(text: string): string {
  return normaliseWithMap(text)
    .text.replace(/[^\p{L}\p{N}]+/gu, ' ')
    .replace(/\b(?:street|road|avenue|suite|highway|drive|boulevard)\b/g, (w) => STREET_WORDS[w] ?? w)
    .replace(/([aou])e/g, '$1')
    .trim();
}

// ---- Wording families ----

interface Family {
  category: AddressCategory;
  /** Matched against the normalised line (lower case, Latin accents removed). */
  pattern: RegExp;
  /** Only in these countries, for short forms that mean something else elsewhere. */
  countries?: readonly string[];
}

/** Word boundaries that work for every script (\b is ASCII only). */
const B = '(?<![\\p{L}\\p{N}])';
const E = '(?![\\p{L}\\p{N}])';
/** Words separated by spaces may also be joined by hyphens ("virtual-office", "parcel-forwarding"). */
const words = (...alternatives: string[]) =>
  new RegExp(`${B}(?:${alternatives.join('|').replaceAll('\\s+', '[\\s-]+')})${E}`, 'u');
/** A form that counts only at the start of a line or after a comma ("Box 1140, Station A"). */
const leading = (...alternatives: string[]) => new RegExp(`(?:^|[,;]\\s*)(?:${alternatives.join('|')})`, 'u');
/** Scripts without spaces between words (Chinese, Japanese, Korean, Thai), or forms that bring their own boundaries. */
const cjk = (...alternatives: string[]) => new RegExp(alternatives.join('|'), 'u');
const NUM = '\\s*(?:no\\.?|nr\\.?|n[°º]|#)?\\s*\\d+';

const FAMILIES: Family[] = [
  // Post-office boxes, bags, reply services and poste restante.
  {
    category: 'po_box',
    pattern: words(
      `(?:g\\.?\\s?p\\.?\\s?o\\.?|p\\.?\\s?o\\.?|mcpo|post\\s+office|p\\.?\\s?o\\.?\\s?b\\.?)\\s*(?:box|drawer|bag)`,
      'post\\s*(?:box|bag)' + NUM,
      `p\\.?\\s?o\\.?\\s?b\\.?${NUM}`,
      `p\\.?\\s?b\\.?\\s*no\\.?\\s*\\d+`,
      `b\\.?\\s?p\\.?${NUM}`,
    ),
  },
  {
    category: 'po_box',
    pattern: words(
      'caller\\s+box',
      'firm\\s+caller',
      'general\\s+delivery',
      'poste?\\s+restante',
      'freepost',
      'reply\\s+paid',
      '(?:locked|private)\\s+(?:mail\\s+)?bag',
    ),
  },
  {
    category: 'po_box',
    pattern: leading(
      `box${NUM}`,
      `c\\.?\\s?p\\.?\\s*(?:\\d{1,4}${E}|\\d+\\s+succ)`,
      `(?:cs|tsa)\\s+\\d{4,5}${E}`,
      `apartado\\s*\\d`,
      'a\\.\\s?[pa]\\.\\s*\\d',
      'c\\.\\s?c\\.\\s*\\d',
      'p\\.\\s?[kp]\\.\\s*\\d',
      `pb\\.?\\s*\\d`,
    ),
  },
  { category: 'po_box', pattern: /(?:^|[,;]\s*)pl\s+\d{1,5}(?![\p{L}\p{N}])/u, countries: ['FI'] },
  { category: 'po_box', pattern: /(?:^|[,;]\s*)pk\s+\d{1,5}(?![\p{L}\p{N}])/u, countries: ['TR'] },
  { category: 'po_box', pattern: /(?:^|[,;]\s*)pf\.?\s*\d{1,5}(?![\p{L}\p{N}])/u, countries: ['HU'] },
  { category: 'po_box', pattern: /(?:^|[,;]\s*)boks\s+\d{1,5}(?![\p{L}\p{N}])/u, countries: ['NO', 'DK'] },
  {
    category: 'po_box',
    pattern: words(
      'postfach(?:adresse)?',
      'postlagernd',
      'postschliessfach',
      'bo[iî]te\\s+postale',
      'case\\s+postale',
      'casella\\s+postale',
      'cas\\.\\s*post\\.?',
      'fermo\\s+posta',
      'apartado\\s+(?:de\\s+correos?|postal|aereo)',
      `apdo\\.?${NUM}`,
      'casilla(?:\\s+de\\s+correos?)?' + NUM,
      'casilla\\s+postal',
      'lista\\s+de\\s+correos',
      'apdo\\.?\\s+de\\s+correos',
      'caixa\\s+postal',
      'cx\\.?\\s*postal',
    ),
  },
  {
    category: 'po_box',
    pattern: words(
      'postbus',
      'antwoordnummer',
      'postboks',
      'postafiok',
      'bfpo' + NUM,
      '(?:apo|fpo|dpo)\\s+(?:ae|ap|aa)',
      'postilokero',
      'skrytka(?:\\s+pocztowa)?' + NUM,
      'skr\\.\\s*poczt\\.?',
      'postovni\\s+(?:prihradka|schranka)',
      'posta\\s+kutusu',
      'peti\\s+surat',
      'kotak\\s+pos',
      `hop\\s+thu${NUM}`,
    ),
  },
  // Russian, Greek, Arabic and Hebrew boxes: abbreviations with slashes and dots, so no word boundaries.
  {
    category: 'po_box',
    pattern: cjk(
      '(?:^|[\\s,])[аa]/я(?:\\s|$|\\d)',
      'абонентск\\S*\\s+ящик',
      'абонентськ\\S*\\s+скриньк',
      '(?:^|[\\s,])а/с\\s*\\d',
      '(?:^|[\\s,])п\\.\\s?к\\.\\s*\\d',
      'пощенска\\s+кутия',
      'صندوق\\s+پستی',
      'до\\s+востребования',
      '(?:^|[\\s,])п/я\\s*\\d',
      'ταχυδρομικ\\S*\\s+θυρ[ιί]δα',
      '(?:^|[\\s,])τ\\.\\s?θ\\.\\s*\\d',
      'ص\\.?\\s?ب\\.?\\s*\\d',
      'صندوق\\s+(?:ال)?بريد',
      '(?:^|[\\s,])ת\\.\\s?ד\\.?\\s*\\d',
      'תא\\s+דואר',
    ),
  },
  { category: 'po_box', pattern: cjk('私書箱', '局留', '局止め', '사서함', '信箱', 'ตู้\\s*ป\\.?\\s*ณ', 'ตู้ไปรษณีย์') },

  // Commercial mail receiving agencies, virtual offices, registered-office and domiciliation services.
  {
    category: 'mail_drop',
    pattern: words(
      `p\\.?\\s?m\\.?\\s?b\\.?${NUM}`,
      'private\\s+mail\\s*box(?:es)?',
      'virtual\\s+(?:office|mail\\s*box|address)s?',
      'mail\\s*box(?:es)?\\s+(?:etc|service|services|rental)',
      `mail\\s*box${NUM}`,
      'mail\\s*drop',
      'cmra',
      'registered\\s+agents?',
      '(?:registered|business)\\s+address\\s+services?',
      'registered\\s+office\\s+(?:address\\s+)?services?',
      'mail\\s+(?:scanning|handling)',
      'flexi?\\s*desk',
      'hot\\s*desk',
    ),
  },
  {
    category: 'mail_drop',
    pattern: words(
      '(?:oficina|escritorio|direccion|endereco|domicilio(?:\\s+(?:social|fiscal))?|sede|indirizzo|ufficio)\\s+virtua\\w*',
      'bureaux?\\s+virtuels?',
      'adresse\\s+virtuelle',
      'virtuelle[rsn]?\\s+(?:buro|firmensitz|geschaftsadresse|adresse)',
      'virtueel\\s+kantoor',
      'virtuellt?\\s+kontor',
      'virtuaalitoimisto',
      'wirtualne\\s+biuro',
      'biuro\\s+wirtualne',
      'virtualni\\s+kancelar',
      'sanal\\s+ofis',
      'виртуальн\\S*\\s+офис',
    ),
  },
  {
    category: 'mail_drop',
    pattern: words(
      'domiciliation',
      'domiciliacion',
      'domiciliazione',
      'domicilia[cç]ao',
      'centre\\s+d.affaires',
      'centro\\s+de\\s+negocios',
      'endereco\\s+fiscal',
      'buroservice',
      'firmensitz\\W*service',
      'geschaftsadresse\\s+(?:mieten|service)',
    ),
  },
  {
    category: 'mail_drop',
    pattern: cjk(
      'バーチャルオフィス',
      '私設私書箱',
      '비상주',
      '가상\\s*오피스',
      '虚拟办公',
      '虛擬辦公',
      '虚拟地址',
      '托管地址',
      '挂靠地址',
      '商务中心',
      '商務中心',
      '商务秘书',
      '集中办公区',
    ),
  },

  // Parcel and mail forwarding.
  {
    category: 'forwarding',
    pattern: words(
      '(?:parcel|package|mail|post|shipping)\\s+forward(?:ing|er|ers)?',
      'forwarding\\s+(?:address|service)',
      're-?ship(?:ping|per)?',
      'shop\\s*(?:&|and)\\s*ship',
      'casilleros?',
      '(?:casilla|casillero|buzon|direccion|bodega)\\s+(?:virtual\\s+)?en\\s+(?:miami|usa|estados\\s+unidos|ee\\.?\\s?uu\\.?)',
      'paketweiterleitung',
      'sendungsweiterleitung',
      'nachsende\\w*',
      'reexpedition\\s+de\\s+colis',
      'reenvio\\s+de\\s+paquetes',
      'redirecionamento',
      '(?:package|parcel)\\s+receiving',
      'przekierowanie\\s+paczek',
      'kargo\\s+yonlendirme',
    ),
  },
  { category: 'forwarding', pattern: cjk('転送', '배송대행', '배대지', '转运', '轉運', '集运', '集運') },

  // Parcel lockers and pickup points.
  {
    category: 'pickup_point',
    pattern: words(
      'packstation',
      'postfiliale',
      'postnummer',
      'paket\\s*shop',
      'paket(?:station|box|automat)',
      'abholstation',
      'empfangsbox',
      'my\\s*post\\s*24',
      'pick\\s*-?\\s*up\\s+(?:point|station|location)',
      '(?:parcel\\s+)?collection\\s+point',
      'hold\\s+for\\s+pick\\s*-?\\s*up',
      '(?:parcel|package|amazon|hub|inpost|smart)\\s+lockers?',
      'parcel\\s*(?:shop|collect|point|terminal)',
      '(?:ups|dhl|dpd|gls)\\s+access\\s+point',
      'fedex\\s+onsite',
      'collect\\s*\\+',
      'click\\s*(?:&|and)\\s*collect',
      '(?:dhl|postnord|bring|ups|gls|dpd)\\s+service\\s*point',
      'servicepunkt',
    ),
  },
  {
    category: 'pickup_point',
    pattern: words(
      'point\\s+relais',
      'relais\\s+(?:colis|pickup|chronopost|ups|dpd|gls)',
      'pickup\\s+relais',
      'mondial\\s+relay',
      'point\\s+retrait',
      'consigne\\s+(?:automatique|a\\s+colis|pickup)',
      'punto\\s+pack',
      'citypaq',
      'punto\\s+de\\s+(?:recogida|recoleccion|entrega)',
      'punto\\s+poste',
      'fermopoint',
      'ponto\\s+de\\s+(?:retirada|coleta)',
      'pak(?:ket|jes)(?:automaat|punt)',
      'paketpunkt',
      'pakke(?:shop|punkt)',
      'afhaalpunt',
      'pakke(?:automat|boks)',
      'pakettiautomaatti',
      'noutopiste',
      'postombud',
      'instabox',
      'budbee',
      'paczkomat\\w*',
      'punkt\\s+odbioru',
      'vydejni\\s+misto',
      'zasilkovna',
      'teslim\\s+noktasi',
      'popstation',
      'pargo\\s+(?:point|pickup)',
      'постамат\\S*',
      'пункт\\S*\\s+выдачи',
      'пвз',
    ),
  },
  {
    category: 'pickup_point',
    pattern: cjk(
      '(?<![a-z])pudo(?![a-z])',
      'ロッカー',
      'コンビニ受け?取',
      '무인보관함',
      '自提柜',
      '営業所止',
      '営業所留',
      'はこぽす',
      'コンビニ受取',
      '택배함',
      '快递柜',
      '快遞櫃',
      '驿站',
      '自提点',
      '丰巢',
    ),
  },

  // Freight forwarders, bonded warehouses, cargo terminals, fulfilment centres.
  {
    category: 'logistics',
    pattern: words(
      'freight\\s+(?:forward\\w*|terminal|station|services?|centre|center|village|gate)',
      'forwarding\\s+agents?',
      '(?:air\\s*)?cargo\\s+(?:terminals?|centre|center|complex|city|village|zone|station|handling|agents?)',
      'air\\s*freight\\s+(?:terminal|centre|center)',
      'bonded\\s+(?:warehouse|store|area|logistics)',
      'public\\s+warehouse',
      'bodega\\s+fiscal',
      'customs\\s+(?:warehouse|brokers?|brokerage)',
      'fulfil+ment\\s+(?:centre|center|warehouse|hub)',
      '3pl',
      'third[- ]party\\s+logistics',
      'logistics\\s+(?:centre|center|park|city|hub|village)',
      'distribution\\s+(?:centre|center)',
      'container\\s+(?:terminal|freight\\s+station|depot|yard)',
      'inland\\s+container\\s+depot',
      'foreign[- ]trade\\s+zone',
      `ftz${NUM}`,
      'clearing\\s+(?:and|&)\\s+forwarding',
      'cargocity',
      'brucargo',
      'hactl',
      'superterminal',
    ),
  },
  {
    category: 'logistics',
    pattern: words(
      'spedition',
      'zoll(?:frei)?lager',
      'freilager',
      '(?:luft)?frachtzentrum',
      'frachthof',
      'logistikzentrum',
      'fulfill?ment-?(?:center|zentrum|lager)',
      'verteilzentrum',
      'transitaires?',
      '(?:entrepot|magasin)\\s+sous[- ]douane',
      '(?:zone|gare|aerogare)\\s+de\\s+fret',
      'plate-?forme\\s+logistique',
      'transitarios?',
      'agentes?\\s+de\\s+cargas?',
      'agencia\\s+(?:de\\s+carga|aduanal|de\\s+aduanas)',
      '(?:almacen|deposito|armazem)\\s+(?:fiscal|aduanero|aduanal|alfandegado)',
      'recinto\\s+fiscal\\w*',
      'terminal\\s+de\\s+cargas?',
      'centro\\s+de\\s+carga\\s+aerea',
      'centro\\s+(?:logistico|de\\s+distribuci[oó]n|de\\s+distribuicao)',
      'entreposto\\s+aduaneiro',
      'eadi',
      'porto\\s+seco',
    ),
  },
  {
    category: 'logistics',
    pattern: words(
      'spedizionier\\w*',
      '(?:deposito|magazzino)\\s+doganale',
      'terminal\\s+merci',
      'interporto',
      'expediteur',
      'douane-?entrepot',
      'vrachtterminal',
      'distributiecentrum',
      'tullager',
      'tollager',
      'toldoplag',
      'tullivarasto',
      'speditor',
      'huolinta\\w*',
      'godsterminal',
      'fraktterminal',
      'cargo-?terminal\\w*',
      '(?:sklad|magazyn)\\s+celny',
      'agencja\\s+celna',
      'spedycj\\w*',
      'centrum\\s+logistyczne',
      'terminal\\s+cargo',
      'celni\\s+sklad',
      'spedic\\w*',
      'antrepo',
      'gumruklu',
      'kargo\\s+terminali?',
      'lojistik\\s+merkezi',
    ),
  },
  {
    category: 'logistics',
    pattern: cjk(
      'таможенн\\S*\\s+склад',
      'склад\\S*\\s+временного\\s+хранения',
      '(?<!\\p{L})свх(?!\\p{L})',
      'экспедитор',
      'грузов\\S*\\s+терминал',
      'логистическ\\S*\\s+центр',
      'фулфилмент',
      '(?<!\\p{L})карго(?!\\p{L})',
    ),
  },
  {
    category: 'logistics',
    pattern: cjk(
      '保[税稅](?![区區]|港[区區])',
      '通関',
      'フォワーダー',
      '物流センター',
      '配送センター',
      '貨物ターミナル',
      '国際貨物',
      'フルフィルメント',
      '보세',
      '물류센터',
      '풀필먼트',
      '포워딩',
      '화물터미널',
      '통관',
      '货运代理',
      '貨運代理',
      '货代',
      '物流园',
      '物流園',
      '物流中心',
      '货运站',
      '貨運站',
      '仓储中心',
      '監管倉',
      '监管仓',
    ),
  },

  // "Care of" another company: the location is someone else's.
  {
    category: 'care_of',
    pattern: words(
      'c\\s*/\\s*o',
      'care\\s+of',
      'aux\\s+(?:bons\\s+)?soins\\s+de',
      'aos\\s+cuidados\\s+de',
      'a\\s+cargo\\s+de',
      'per\\s+adres',
    ),
  },
  // Local forms of "care of" that are ordinary words elsewhere (A/C is air conditioning in English).
  {
    category: 'care_of',
    pattern: leading('p\\.\\s?a\\.\\s', 'bei\\s+(?=.*(?:gmbh|ag|kg|ug|mbh))'),
    countries: ['DE', 'AT', 'CH', 'LI', 'LU'],
  },
  { category: 'care_of', pattern: leading('p\\s*/\\s*a\\s'), countries: ['NL', 'BE', 'SR'] },
  {
    category: 'care_of',
    pattern: leading('chez\\s'),
    countries: ['FR', 'BE', 'CH', 'LU', 'MC', 'CA', 'MA', 'TN', 'DZ', 'SN', 'CI'],
  },
  { category: 'care_of', pattern: leading('presso\\s'), countries: ['IT', 'CH', 'SM', 'VA'] },
  {
    category: 'care_of',
    pattern: leading('a\\s*/\\s*[ac]\\s'),
    countries: [
      'ES',
      'PT',
      'BR',
      'MX',
      'AR',
      'CL',
      'CO',
      'PE',
      'UY',
      'VE',
      'EC',
      'BO',
      'PY',
      'CR',
      'PA',
      'GT',
      'DO',
      'HN',
      'SV',
      'NI',
      'CU',
      'PR',
      'AO',
      'MZ',
    ],
  },
  { category: 'care_of', pattern: cjk('気付', '전교', '转交', '轉交', '代收') },
];

/**
 * The words that matched, as the applicant wrote them, with what identifies the box: its
 * number ("PO Box 4417", "100044信箱", "Packstation 143") or the company after a "care of".
 */
function evidenceOf(line: string, map: number[], start: number, end: number, category: AddressCategory): string {
  let from = map[start] ?? 0;
  let to = map[end] ?? line.length;
  if (category === 'care_of') to += /^[^,;]{0,60}/.exec(line.slice(to))?.[0].length ?? 0;
  if (category === 'po_box' || category === 'mail_drop' || category === 'pickup_point') {
    to +=
      /^[ \t#:.№°-]*(?:no\.?\s*|第\s*)?[A-Z]{0,4}[0-9][0-9A-Za-z-]{0,11}(?:\s*[号號호])?/i.exec(line.slice(to))?.[0]
        .length ?? 0;
    from -= /\d[\d-]*\s*$/.exec(line.slice(0, from))?.[0].length ?? 0;
  }
  return line
    .slice(from, to)
    .replace(/^[\s,;]+/, '')
    .trim();
}

/**
 * Each provider's name normalised once: the watchlist's entries are the same objects from one
 * check to the next (the shipped list for the process's life, staff's for the lists' cache), and
 * normalising its ~180 names for every address line was a sizeable part of a submission (#15).
 */
const nameKeys = new WeakMap<WatchlistEntry, string>();
function nameKey(entry: WatchlistEntry): string {
  let key = nameKeys.get(entry);
  if (key === undefined) nameKeys.set(entry, (key = normaliseForMatch(entry.name)));
  return key;
}

/**
 * Every flag on the address lines: wording families of each category in the local languages,
 * and providers from the maintained list. One flag per category and line; a provider's name
 * is preferred as evidence over wording.
 */
export function detectAddressFlags(
  lines: readonly string[],
  country: string,
  providers: readonly WatchlistEntry[],
): AddressFlag[] {
  const flags: AddressFlag[] = [];
  const seen = new Set<string>();
  const add = (flag: AddressFlag) => {
    const key = `${flag.category}|${flag.line}`;
    if (seen.has(key)) return;
    seen.add(key);
    flags.push(flag);
  };
  const names = providers.map((p) => ({ entry: p, key: nameKey(p) })).filter((p) => p.key);
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const skeleton = ` ${normaliseForMatch(line)} `;
    for (const { entry, key } of names) {
      // Names in scripts without spaces are found as substrings; Latin names as whole words.
      const found = /[a-z0-9]/.test(key)
        ? skeleton.includes(` ${key} `)
        : skeleton.replace(/ /g, '').includes(key.replace(/ /g, ''));
      if (found)
        add({
          category: KIND_CATEGORY[entry.kind] ?? 'mail_drop',
          evidence: entry.name,
          line: i + 1,
          provider: entry.name,
        });
    }
    const { text, map } = normaliseWithMap(line.trim());
    for (const family of FAMILIES) {
      if (family.countries && !family.countries.includes(country)) continue;
      const match = family.pattern.exec(text);
      if (!match) continue;
      add({
        category: family.category,
        evidence: evidenceOf(line.trim(), map, match.index, match.index + match[0].length, family.category),
        line: i + 1,
      });
    }
  });
  return flags;
}
