/**
 * Company, person and street names for the benchmark data, in the script and with the legal
 * forms of each country: "Kranich Datentechnik GmbH", "ООО «Волга Системы»", "株式会社さくらネットワーク",
 * "شركة النخيل للتقنية المحدودة", "गंगा इन्फोटेक प्राइवेट लिमिटेड". All fictional: stems are common
 * words and places, combined at random; any resemblance to a real company is chance.
 */
import type { Random } from './random.ts';

interface Language {
  stems: readonly string[];
  trades: readonly string[];
  /** The company name from its parts; `form` is one of the country's legal forms in this language. */
  company: (stem: string, trade: string, form: string, r: Random) => string;
  given: readonly string[];
  family: readonly string[];
  /** Family name first (East Asian order), written without a space for CJK. */
  person?: (given: string, family: string) => string;
  street: (r: Random) => string;
}

const latin = (stem: string, trade: string, form: string) => `${stem} ${trade} ${form}`;

const LANGUAGES: Record<string, Language> = {
  de: {
    stems: [
      'Kranich',
      'Rhein',
      'Elbe',
      'Alpen',
      'Bären',
      'Falken',
      'Löwen',
      'Nordlicht',
      'Weißdorn',
      'Grünwald',
      'Bodensee',
      'Hanse',
      'Adler',
      'Eichen',
      'Linden',
      'Sonnenberg',
      'Müller',
      'Schäfer',
      'Köhler',
      'Spree',
      'Isar',
      'Zugspitze',
    ],
    trades: [
      'Systemhaus',
      'Datentechnik',
      'Netzwerke',
      'IT-Service',
      'Informatik',
      'Bürotechnik',
      'Computer',
      'Kommunikationstechnik',
      'Digital',
    ],
    company: (s, t, f, r) => (r.chance(0.3) ? `${s}-${t} ${f}` : latin(s, t, f)),
    given: ['Jürgen', 'Anna', 'Lukas', 'Sophie', 'Maximilian', 'Lea', 'Björn', 'Käthe', 'Felix', 'Hannah'],
    family: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weiß', 'Groß', 'Köhler', 'Schäfer', 'Bäcker', 'Wagner'],
    street: (r) =>
      `${r.pick(['Haupt', 'Bahnhof', 'Linden', 'Schiller', 'Goethe', 'Garten', 'Mühlen', 'Kirch'])}straße ${r.between(1, 180)}`,
  },
  fr: {
    stems: [
      'Lumière',
      'Étoile',
      'Côte',
      'Hexagone',
      'Château',
      'Forêt',
      'Océan',
      'Aube',
      'Mistral',
      'Lys',
      'Émeraude',
      'Chêne',
      'Ardèche',
      'Provençale',
    ],
    trades: ['Réseaux', 'Informatique', 'Systèmes', 'Numérique', 'Télécom', 'Solutions', 'Bureautique'],
    company: (s, t, f, r) => (r.chance(0.5) ? latin(s, t, f) : `${t} ${s} ${f}`),
    given: ['Élodie', 'François', 'Chloé', 'Jérôme', 'Amélie', 'Hélène', 'Benoît', 'Zoé', 'Loïc', 'Céline'],
    family: ['Martin', 'Bernard', 'Dubois', 'Lefèvre', 'Moreau', 'Girard', 'Léger', 'Rousseau', 'Fontaine', 'Mercier'],
    street: (r) =>
      `${r.between(1, 150)} ${r.pick(['rue de la Paix', 'avenue Victor-Hugo', 'boulevard Pasteur', 'rue des Écoles', 'place de l’Église', 'chemin des Vignes'])}`,
  },
  es: {
    stems: [
      'Meseta',
      'Sierra',
      'Río Claro',
      'Sol',
      'Ibérica',
      'Cóndor',
      'Andina',
      'Pampa',
      'Quetzal',
      'Ñandú',
      'Montaña Azul',
      'Alborán',
    ],
    trades: ['Informática', 'Sistemas', 'Redes', 'Soluciones', 'Tecnología', 'Comunicaciones'],
    company: (s, t, f) => `${t} ${s} ${f}`,
    given: ['José', 'María', 'Íñigo', 'Lucía', 'Sofía', 'Andrés', 'Begoña', 'Martín', 'Núria', 'Raúl'],
    family: ['García', 'Fernández', 'López', 'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Muñoz', 'Jiménez', 'Ibáñez'],
    street: (r) =>
      `${r.pick(['Calle Mayor', 'Avenida de la Constitución', 'Calle del Sol', 'Paseo de Gracia', 'Calle Real'])} ${r.between(1, 200)}`,
  },
  pt: {
    stems: ['Ipê', 'Araucária', 'Atlântico', 'Tejo', 'Sertão', 'Jangada', 'Guará', 'Paraná', 'Maré', 'Açores'],
    trades: ['Informática', 'Sistemas', 'Tecnologia', 'Soluções', 'Redes', 'Comunicações'],
    company: (s, t, f) => latin(s, t, f),
    given: ['João', 'Maria', 'Conceição', 'António', 'Luís', 'Inês', 'Gonçalo', 'Fábio', 'Célia', 'Tânia'],
    family: [
      'Silva',
      'Santos',
      'Conceição',
      'Gonçalves',
      'Araújo',
      'Simões',
      'Magalhães',
      'Brandão',
      'Assunção',
      'Pereira',
    ],
    street: (r) =>
      `${r.pick(['Rua das Flores', 'Avenida da Liberdade', 'Rua São João', 'Praça da República', 'Rua Augusta'])}, ${r.between(1, 999)}`,
  },
  it: {
    stems: ['Vesuvio', 'Dolomiti', 'Tricolore', 'Etna', 'Laguna', 'Arno', 'Brenta', 'Ducale', 'Felice', 'Città Alta'],
    trades: ['Informatica', 'Sistemi', 'Reti', 'Telematica', 'Soluzioni', 'Tecnologie'],
    company: (s, t, f) => latin(s, t, f),
    given: ['Niccolò', 'Giulia', 'Luca', 'Chiara', 'Nicolò', 'Francesca', 'Matteo', 'Sara', 'Andrea', 'Elena'],
    family: ['Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Marino', 'Greco'],
    street: (r) =>
      `${r.pick(['Via Roma', 'Corso Italia', 'Via Garibaldi', 'Piazza del Duomo', 'Via della Libertà'])} ${r.between(1, 150)}`,
  },
  nl: {
    stems: ['Tulipa', 'Polder', 'Delta', 'Molen', 'Dijk', 'Zeeland', 'Oranje', 'Eiland', 'Grachten', 'IJssel'],
    trades: ['Systemen', 'Netwerken', 'Automatisering', 'ICT', 'Informatica'],
    company: (s, t, f) => latin(s, t, f),
    given: ['Daan', 'Sanne', 'Bram', 'Fleur', 'Joëlle', 'Sem', 'Noor', 'Thijs', 'Eva', 'Ruud'],
    family: [
      'de Jong',
      'Jansen',
      'de Vries',
      'van den Berg',
      'Bakker',
      'Visser',
      'Smit',
      'Meijer',
      'de Boer',
      'Mulder',
    ],
    street: (r) =>
      `${r.pick(['Kerkstraat', 'Dorpsstraat', 'Molenweg', 'Stationsplein', 'Prinsengracht'])} ${r.between(1, 300)}`,
  },
  pl: {
    stems: ['Wisła', 'Tatry', 'Bałtyk', 'Żuraw', 'Łoś', 'Mazury', 'Odra', 'Śnieżka', 'Świt', 'Źródło'],
    trades: ['Systemy', 'Informatyka', 'Sieci', 'Technologie', 'Rozwiązania IT'],
    company: (s, t, f) => latin(s, t, f),
    given: [
      'Łukasz',
      'Małgorzata',
      'Paweł',
      'Zofia',
      'Wojciech',
      'Agnieszka',
      'Michał',
      'Jolanta',
      'Bartłomiej',
      'Ewa',
    ],
    family: [
      'Nowak',
      'Kowalski',
      'Wiśniewski',
      'Wójcik',
      'Kowalczyk',
      'Kamiński',
      'Lewandowski',
      'Zieliński',
      'Woźniak',
      'Dąbrowski',
    ],
    street: (r) =>
      `ul. ${r.pick(['Marszałkowska', 'Długa', 'Piękna', 'Źródlana', 'Łąkowa', 'Słoneczna'])} ${r.between(1, 120)}`,
  },
  cs: {
    stems: ['Vltava', 'Šumava', 'Krkonoše', 'Lípa', 'Říp', 'Morava', 'Sázava', 'Ještěd'],
    trades: ['Systémy', 'Informatika', 'Sítě', 'Technologie'],
    company: (s, t, f) => latin(s, t, f),
    given: ['Jiří', 'Petra', 'Tomáš', 'Lenka', 'Lukáš', 'Kateřina', 'Ondřej', 'Tereza'],
    family: ['Novák', 'Svoboda', 'Novotný', 'Dvořák', 'Černý', 'Procházka', 'Kučera', 'Veselý'],
    street: (r) => `${r.pick(['Náměstí Míru', 'Husova', 'Palackého', 'Žižkova', 'Komenského'])} ${r.between(1, 99)}`,
  },
  nordic: {
    stems: ['Nordlys', 'Fjord', 'Älv', 'Skog', 'Björk', 'Ørn', 'Sjö', 'Fjäll', 'Kuusi', 'Järvi', 'Ísland', 'Hav'],
    trades: ['Data', 'IT', 'Nätverk', 'System', 'Teknik', 'Datasystemer'],
    company: (s, t, f) => latin(s, t, f),
    given: ['Åsa', 'Søren', 'Björn', 'Ingrid', 'Mikko', 'Sigríður', 'Lars', 'Aino', 'Øystein', 'Märta'],
    family: [
      'Andersson',
      'Johansson',
      'Hansen',
      'Nielsen',
      'Virtanen',
      'Jónsdóttir',
      'Lindqvist',
      'Berg',
      'Sørensen',
      'Korhonen',
    ],
    street: (r) =>
      `${r.pick(['Storgatan', 'Drottninggatan', 'Kongens gate', 'Østergade', 'Mannerheimintie'])} ${r.between(1, 120)}`,
  },
  tr: {
    stems: ['Boğaziçi', 'Anadolu', 'Ege', 'Kızılırmak', 'Çınar', 'Yıldız', 'Güneş', 'Toros'],
    trades: ['Bilişim', 'Bilgisayar', 'Teknoloji', 'Yazılım', 'Ağ Sistemleri'],
    company: (s, t, f) => `${s} ${t} ${f}`,
    given: ['Ayşe', 'Mehmet', 'Çağla', 'Oğuz', 'Şule', 'İbrahim', 'Gül', 'Ömer'],
    family: ['Yılmaz', 'Kaya', 'Demir', 'Şahin', 'Çelik', 'Öztürk', 'Aydın', 'Doğan'],
    street: (r) =>
      `${r.pick(['Atatürk Caddesi', 'İstiklal Caddesi', 'Cumhuriyet Sokak', 'Gül Sokak'])} No: ${r.between(1, 150)}`,
  },
  hu: {
    stems: ['Duna', 'Tisza', 'Balaton', 'Mátra', 'Körös', 'Hortobágy'],
    trades: ['Informatika', 'Rendszerház', 'Számítástechnika', 'Hálózat'],
    company: (s, t, f) => latin(s, t, f),
    given: ['Zoltán', 'Erzsébet', 'Gábor', 'Zsófia', 'László', 'Ágnes'],
    family: ['Nagy', 'Kovács', 'Tóth', 'Szabó', 'Horváth', 'Kiss'],
    street: (r) =>
      `${r.pick(['Fő utca', 'Petőfi Sándor utca', 'Kossuth Lajos utca', 'Rákóczi út'])} ${r.between(1, 99)}.`,
  },
  ro: {
    stems: ['Carpați', 'Dunărea', 'Mureș', 'Bucegi', 'Olt', 'Siret'],
    trades: ['Sisteme', 'Informatică', 'Rețele', 'Tehnologii'],
    company: (s, t, f) => latin(s, t, f),
    given: ['Andrei', 'Ioana', 'Ștefan', 'Mădălina', 'Răzvan', 'Ana'],
    family: ['Popescu', 'Ionescu', 'Stănescu', 'Dumitrescu', 'Constantinescu', 'Gheorghiu'],
    street: (r) =>
      `Strada ${r.pick(['Victoriei', 'Unirii', 'Mihai Eminescu', 'Ștefan cel Mare'])} ${r.between(1, 150)}`,
  },
  vi: {
    stems: ['Sông Hồng', 'Hạ Long', 'Phương Nam', 'Trường Sơn', 'Bạch Đằng', 'Thăng Long', 'Sao Việt'],
    trades: ['Công nghệ', 'Tin học', 'Giải pháp Mạng', 'Viễn thông'],
    company: (s, t, f) => `${f} ${t} ${s}`,
    given: ['Minh', 'Hương', 'Tuấn', 'Lan', 'Dũng', 'Thảo'],
    family: ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Võ'],
    person: (g, f) => `${f} ${g}`,
    street: (r) =>
      `${r.between(1, 300)} ${r.pick(['Đường Lê Lợi', 'Đường Trần Hưng Đạo', 'Phố Huế', 'Đường Nguyễn Trãi'])}`,
  },
  en: {
    stems: [
      'Maple',
      'Eagle',
      'Harbour',
      'Summit',
      'Redwood',
      'Granite',
      'Bluebird',
      'Riverside',
      'Keystone',
      'Pioneer',
      'Beacon',
      'Ironbridge',
      'Northgate',
      'Silverline',
      'Oakridge',
      'Lakeshore',
      'Cedar',
      'Highland',
    ],
    trades: [
      'Networks',
      'Systems',
      'Technologies',
      'IT Solutions',
      'Computing',
      'Data Services',
      'Integration',
      'Tech',
    ],
    company: (s, t, f) => latin(s, t, f),
    given: ['James', 'Olivia', 'Chloe', 'Liam', 'Aoife', 'Siobhan', 'Noah', 'Grace', 'Ethan', 'Amara'],
    family: ['Smith', 'Johnson', 'Williams', 'O’Brien', 'Brown', 'Taylor', 'Wilson', 'Nguyen', 'Okafor', 'Walsh'],
    street: (r) =>
      `${r.between(1, 9999)} ${r.pick(['Main Street', 'High Street', 'Oak Avenue', 'Station Road', 'Church Lane', 'Market Street'])}`,
  },
  enin: {
    stems: ['Ganga', 'Himalaya', 'Surya', 'Kamal', 'Aruna', 'Shakti', 'Vijay', 'Sahyadri', 'Kaveri', 'Narmada'],
    trades: ['Infotech', 'Technologies', 'Systems', 'Networks', 'Solutions', 'Computers'],
    company: (s, t, f) => latin(s, t, f),
    given: ['Aarav', 'Priya', 'Rohan', 'Ananya', 'Vikram', 'Lakshmi', 'Arjun', 'Kavya'],
    family: ['Sharma', 'Patel', 'Iyer', 'Reddy', 'Gupta', 'Nair', 'Singh', 'Menon'],
    street: (r) =>
      `${r.between(1, 400)}, ${r.pick(['MG Road', 'Nehru Street', 'Station Road', 'Gandhi Nagar', 'Park Street'])}`,
  },
  id: {
    stems: ['Nusantara', 'Garuda', 'Merapi', 'Cendrawasih', 'Bintang', 'Samudra', 'Rinjani'],
    trades: ['Teknologi', 'Solusi Digital', 'Sistem Informasi', 'Jaringan'],
    company: (s, t, f, r) => `${f} ${s} ${t}${r.chance(0.1) ? ' Tbk' : ''}`,
    given: ['Budi', 'Siti', 'Agus', 'Dewi', 'Eko', 'Putri'],
    family: ['Santoso', 'Wijaya', 'Hidayat', 'Saputra', 'Kusuma', 'Pratama'],
    street: (r) =>
      `Jl. ${r.pick(['Sudirman', 'Thamrin', 'Gatot Subroto', 'Diponegoro', 'Merdeka'])} No. ${r.between(1, 200)}`,
  },
  ru: {
    stems: ['Северный', 'Волга', 'Сибирь', 'Байкал', 'Урал', 'Нева', 'Кедр', 'Звезда', 'Сокол', 'Восток', 'Ладога'],
    trades: ['Системы', 'Технологии', 'Сети', 'Информ', 'Софт', 'Телеком'],
    company: (s, t, f) => `${f} «${s} ${t}»`,
    given: ['Алексей', 'Екатерина', 'Дмитрий', 'Ольга', 'Сергей', 'Наталья', 'Иван', 'Татьяна'],
    family: ['Иванов', 'Смирнов', 'Кузнецов', 'Попов', 'Соколов', 'Лебедев', 'Козлов', 'Новиков'],
    street: (r) =>
      `ул. ${r.pick(['Ленина', 'Пушкина', 'Гагарина', 'Советская', 'Мира', 'Садовая'])}, д. ${r.between(1, 120)}`,
  },
  uk: {
    stems: ['Дніпро', 'Карпати', 'Соняшник', 'Чайка', 'Поділля', 'Світанок', 'Їжак'],
    trades: ['Системи', 'Технології', 'Мережі', 'Інформ'],
    company: (s, t, f) => `${f} «${s} ${t}»`,
    given: ['Олександр', 'Оксана', 'Андрій', 'Ірина', 'Юрій', 'Галина'],
    family: ['Шевченко', 'Коваленко', 'Бондаренко', 'Ткаченко', 'Кравченко', 'Олійник'],
    street: (r) => `вул. ${r.pick(['Шевченка', 'Хрещатик', 'Франка', 'Січових Стрільців'])}, ${r.between(1, 99)}`,
  },
  bg: {
    stems: ['Балкан', 'Витоша', 'Дунав', 'Рила', 'Родопи', 'Тракия'],
    trades: ['Системи', 'Технологии', 'Мрежи', 'Информатика'],
    company: (s, t, f) => `${s} ${t} ${f}`,
    given: ['Георги', 'Мария', 'Иван', 'Елена', 'Димитър', 'Цветелина'],
    family: ['Иванов', 'Георгиев', 'Димитров', 'Петрова', 'Николова', 'Стоянов'],
    street: (r) => `ул. ${r.pick(['Витоша', 'Раковски', 'Граф Игнатиев', 'Шипка'])} ${r.between(1, 150)}`,
  },
  sr: {
    stems: ['Морава', 'Дрина', 'Авала', 'Копаоник', 'Тара'],
    trades: ['Системи', 'Информатика', 'Мреже', 'Технологије'],
    company: (s, t, f) => `${s} ${t} ${f}`,
    given: ['Милош', 'Јелена', 'Никола', 'Ана', 'Душан', 'Милица'],
    family: ['Јовановић', 'Петровић', 'Николић', 'Ђорђевић', 'Стојановић', 'Марковић'],
    street: (r) =>
      `${r.pick(['Кнез Михаилова', 'Булевар краља Александра', 'Немањина', 'Његошева'])} ${r.between(1, 120)}`,
  },
  kk: {
    stems: ['Алатау', 'Сарыарқа', 'Каспий', 'Тенгри', 'Байтерек', 'Жетысу'],
    trades: ['Технологии', 'Системы', 'Сети', 'Сервис'],
    company: (s, t, f) => `${f} «${s} ${t}»`,
    given: ['Айгерим', 'Нурлан', 'Динара', 'Ерлан', 'Асель', 'Бауыржан'],
    family: ['Ахметов', 'Сейтказиева', 'Жумабаев', 'Касымова', 'Нурпеисов', 'Омарова'],
    street: (r) => `ул. ${r.pick(['Абая', 'Достык', 'Толе би', 'Сатпаева'])}, ${r.between(1, 200)}`,
  },
  el: {
    stems: ['Όλυμπος', 'Αιγαίο', 'Ακρόπολη', 'Ερμής', 'Δελφοί', 'Πήγασος', 'Ιθάκη', 'Ωκεανός'],
    trades: ['Πληροφορική', 'Συστήματα', 'Δίκτυα', 'Τεχνολογίες', 'Ψηφιακές Λύσεις'],
    company: (s, t, f) => `${s} ${t} ${f}`,
    given: ['Γιώργος', 'Μαρία', 'Νίκος', 'Ελένη', 'Δημήτρης', 'Αικατερίνη'],
    family: ['Παπαδόπουλος', 'Βασιλείου', 'Γεωργίου', 'Νικολάου', 'Οικονόμου', 'Καραγιάννη'],
    street: (r) =>
      `${r.pick(['Οδός Ερμού', 'Λεωφόρος Συγγρού', 'Οδός Πανεπιστημίου', 'Οδός Αθηνάς'])} ${r.between(1, 200)}`,
  },
  zh: {
    stems: ['华信', '东方', '新航', '天宇', '博远', '中科', '瑞达', '恒通', '金桥', '远景', '星河', '云帆'],
    trades: ['科技', '信息技术', '网络', '系统集成', '电子', '数码'],
    company: (s, t, f, r) =>
      `${r.chance(0.5) ? r.pick(['北京', '上海', '深圳', '广州', '杭州', '成都', '武汉', '南京']) : ''}${s}${t}${f}`,
    given: ['伟', '芳', '娜', '敏', '静', '磊', '洋', '艳'],
    family: ['王', '李', '张', '刘', '陈', '杨', '黄', '赵'],
    person: (g, f) => `${f}${g}`,
    street: (r) => `${r.pick(['中山路', '人民路', '解放路', '建设路', '长江路'])}${r.between(1, 500)}号`,
  },
  zhtw: {
    stems: ['晶華', '宏遠', '永泰', '鼎盛', '聯合', '光華', '新竹'],
    trades: ['科技', '資訊', '網路', '電腦', '系統'],
    company: (s, t, f) => `${s}${t}${f}`,
    given: ['志明', '淑芬', '家豪', '雅婷', '建宏', '怡君'],
    family: ['陳', '林', '黃', '張', '李', '王'],
    person: (g, f) => `${f}${g}`,
    street: (r) => `${r.pick(['中正路', '民生路', '忠孝東路', '復興南路'])}${r.between(1, 300)}號`,
  },
  ja: {
    stems: ['さくら', '富士', '桜井', '青葉', '北斗', '大和', '光', '旭', '翔', 'みらい', '東海', '瀬戸'],
    trades: ['システム', 'ネットワーク', '情報技術', 'データ', 'テクノロジー', 'ソリューションズ', '電子'],
    company: (s, t, f, r) => (r.chance(0.5) ? `${f}${s}${t}` : `${s}${t}${f}`),
    given: ['太郎', '花子', '健', '美咲', '翔太', '陽菜', '大輔', '由美'],
    family: ['佐藤', '鈴木', '高橋', '田中', '渡辺', '伊藤', '山本', '中村'],
    person: (g, f) => `${f}${g}`,
    street: (r) =>
      `${r.pick(['中央', '本町', '栄', '桜木町', '西新宿'])}${r.between(1, 9)}丁目${r.between(1, 30)}-${r.between(1, 20)}`,
  },
  ko: {
    stems: ['한빛', '새솔', '푸른', '다온', '한결', '미래', '누리', '가람'],
    trades: ['시스템', '네트웍스', '정보통신', '테크', '솔루션'],
    company: (s, t, f, r) => (f === '(주)' ? `(주)${s}${t}` : r.chance(0.5) ? `${f} ${s}${t}` : `${s}${t} ${f}`),
    given: ['민준', '서연', '지훈', '하은', '도윤', '수빈'],
    family: ['김', '이', '박', '최', '정', '강'],
    person: (g, f) => `${f}${g}`,
    street: (r) => `${r.pick(['테헤란로', '세종대로', '강남대로', '올림픽로'])} ${r.between(1, 500)}`,
  },
  ar: {
    stems: ['الأفق', 'النخيل', 'الصقر', 'الواحة', 'المستقبل', 'النور', 'الخليج', 'الرمال', 'الهلال'],
    trades: ['للتقنية', 'لأنظمة المعلومات', 'للشبكات', 'للحلول الرقمية', 'للاتصالات'],
    company: (s, t, f) => `شركة ${s} ${t} ${f}`,
    given: ['محمد', 'فاطمة', 'أحمد', 'نورة', 'خالد', 'مريم', 'يوسف', 'ليلى'],
    family: ['العتيبي', 'الحربي', 'المنصوري', 'الشمري', 'حسن', 'إبراهيم', 'القحطاني', 'الزهراني'],
    street: (r) =>
      `${r.pick(['شارع الملك فهد', 'شارع التحلية', 'شارع الجامعة', 'طريق الملك عبدالعزيز'])} ${r.between(1, 300)}`,
  },
  fa: {
    stems: ['پارس', 'البرز', 'آریا', 'سپهر', 'کوثر'],
    trades: ['فناوری', 'شبکه', 'سامانه', 'رایانه'],
    company: (s, t, f) => `شرکت ${s} ${t} ${f}`,
    given: ['علی', 'زهرا', 'رضا', 'مریم', 'حسین', 'سارا'],
    family: ['محمدی', 'حسینی', 'رضایی', 'احمدی', 'کریمی', 'موسوی'],
    street: (r) => `خیابان ${r.pick(['ولیعصر', 'انقلاب', 'آزادی', 'شریعتی'])} پلاک ${r.between(1, 300)}`,
  },
  he: {
    stems: ['אופק', 'כרמל', 'גליל', 'ארז', 'נגב', 'שחר'],
    trades: ['מערכות', 'תקשורת', 'טכנולוגיות', 'מחשוב'],
    company: (s, t, f) => `${s} ${t} ${f}`,
    given: ['נועה', 'יוסף', 'תמר', 'דוד', 'מיכל', 'אורי'],
    family: ['כהן', 'לוי', 'מזרחי', 'פרץ', 'ביטון', 'אברהם'],
    street: (r) => `${r.pick(['רחוב הרצל', 'רחוב רוטשילד', 'דרך בגין', 'רחוב יפו'])} ${r.between(1, 200)}`,
  },
  hi: {
    stems: ['गंगा', 'हिमालय', 'सूर्य', 'कमल', 'अरुणा', 'शक्ति', 'विजय', 'सह्याद्रि'],
    trades: ['टेक्नोलॉजीज़', 'सिस्टम्स', 'नेटवर्क्स', 'इन्फोटेक', 'सॉल्यूशंस'],
    company: (s, t, f) => `${s} ${t} ${f}`,
    given: ['आरव', 'प्रिया', 'रोहन', 'अनन्या', 'विक्रम', 'लक्ष्मी'],
    family: ['शर्मा', 'पटेल', 'अय्यर', 'रेड्डी', 'गुप्ता', 'सिंह'],
    street: (r) => `${r.between(1, 400)}, ${r.pick(['महात्मा गांधी मार्ग', 'नेहरू मार्ग', 'स्टेशन रोड', 'राजपथ'])}`,
  },
  bn: {
    stems: ['পদ্মা', 'মেঘনা', 'সোনালী', 'যমুনা', 'সুন্দরবন'],
    trades: ['টেকনোলজিস', 'সিস্টেমস', 'নেটওয়ার্কস', 'ইনফোটেক'],
    company: (s, t, f) => `${s} ${t} ${f}`,
    given: ['রহিম', 'ফাতেমা', 'করিম', 'নুসরাত', 'তানভীর', 'সাবরিনা'],
    family: ['হোসেন', 'রহমান', 'আহমেদ', 'ইসলাম', 'চৌধুরী', 'খান'],
    street: (r) => `${r.between(1, 200)}, ${r.pick(['মতিঝিল', 'গুলশান এভিনিউ', 'ধানমন্ডি রোড', 'বনানী'])}`,
  },
  th: {
    stems: ['สยาม', 'เจ้าพระยา', 'ล้านนา', 'ทองคำ', 'อันดามัน'],
    trades: ['ซิสเต็มส์', 'เทคโนโลยี', 'เน็ตเวิร์ค', 'ไอที โซลูชั่น'],
    company: (s, t, f) => `บริษัท ${s} ${t} ${f}`,
    given: ['สมชาย', 'สุดา', 'ประเสริฐ', 'มาลี', 'วิชัย', 'นภา'],
    family: ['สุขสวัสดิ์', 'ศรีสุข', 'วงศ์ไทย', 'บุญมา', 'แก้วมณี', 'ทองดี'],
    street: (r) => `${r.between(1, 999)} ถนน${r.pick(['สุขุมวิท', 'สีลม', 'พหลโยธิน', 'เพชรบุรี'])}`,
  },
};

/** Which languages a country's companies are named in (repeat an entry to weight it) and their legal forms. */
const COUNTRIES: Record<string, readonly (readonly [string, readonly string[]])[]> = {
  DE: [['de', ['GmbH', 'GmbH', 'GmbH', 'AG', 'KG', 'GmbH & Co. KG', 'UG (haftungsbeschränkt)', 'e.K.', 'OHG']]],
  AT: [['de', ['GmbH', 'GmbH', 'AG', 'KG', 'OG']]],
  CH: [
    ['de', ['AG', 'GmbH']],
    ['de', ['AG', 'GmbH']],
    ['fr', ['SA', 'Sàrl']],
    ['it', ['SA', 'Sagl']],
  ],
  LI: [['de', ['AG', 'Anstalt']]],
  FR: [['fr', ['SARL', 'SAS', 'SA', 'EURL', 'SASU']]],
  BE: [
    ['nl', ['BV', 'NV', 'CommV']],
    ['fr', ['SRL', 'SA', 'SC']],
  ],
  LU: [['fr', ['S.à r.l.', 'S.A.']]],
  MC: [['fr', ['SAM', 'SARL']]],
  ES: [['es', ['S.L.', 'S.A.', 'S.L.U.']]],
  MX: [['es', ['S.A. de C.V.', 'S. de R.L. de C.V.', 'S.A.P.I. de C.V.']]],
  AR: [['es', ['S.R.L.', 'S.A.', 'S.A.S.']]],
  CO: [['es', ['S.A.S.', 'Ltda.', 'S.A.']]],
  CL: [['es', ['SpA', 'Ltda.', 'S.A.']]],
  PE: [['es', ['S.A.C.', 'S.R.L.', 'E.I.R.L.']]],
  VE: [['es', ['C.A.', 'S.A.']]],
  EC: [['es', ['Cía. Ltda.', 'S.A.']]],
  GT: [['es', ['S.A.', 'Ltda.']]],
  CU: [['es', ['S.A.']]],
  DO: [['es', ['S.R.L.', 'S.A.']]],
  BO: [['es', ['S.R.L.', 'S.A.']]],
  PT: [['pt', ['Lda.', 'S.A.', 'Unipessoal Lda.']]],
  BR: [['pt', ['Ltda.', 'Ltda.', 'S.A.', 'EIRELI', 'ME']]],
  AO: [['pt', ['Lda.', 'S.A.']]],
  MZ: [['pt', ['Lda.', 'S.A.']]],
  IT: [['it', ['S.r.l.', 'S.r.l.', 'S.p.A.', 'S.n.c.', 'S.a.s.']]],
  NL: [['nl', ['B.V.', 'B.V.', 'N.V.', 'V.O.F.']]],
  PL: [['pl', ['sp. z o.o.', 'sp. z o.o.', 'S.A.', 'sp.j.']]],
  CZ: [['cs', ['s.r.o.', 's.r.o.', 'a.s.']]],
  SK: [['cs', ['s.r.o.', 'a.s.']]],
  SE: [['nordic', ['AB', 'AB', 'HB']]],
  NO: [['nordic', ['AS', 'AS', 'ASA']]],
  DK: [['nordic', ['ApS', 'A/S']]],
  FI: [['nordic', ['Oy', 'Oy', 'Oyj']]],
  IS: [['nordic', ['ehf.', 'hf.']]],
  TR: [['tr', ['A.Ş.', 'Ltd. Şti.']]],
  HU: [['hu', ['Kft.', 'Zrt.', 'Bt.']]],
  RO: [['ro', ['S.R.L.', 'S.A.']]],
  VN: [['vi', ['Công ty TNHH', 'Công ty Cổ phần']]],
  US: [['en', ['Inc.', 'LLC', 'Corp.', 'Co.']]],
  CA: [
    ['en', ['Inc.', 'Ltd.', 'Corp.']],
    ['fr', ['inc.', 'ltée']],
  ],
  GB: [['en', ['Ltd', 'Ltd', 'PLC', 'LLP']]],
  IE: [['en', ['Ltd', 'DAC', 'Teoranta']]],
  AU: [['en', ['Pty Ltd', 'Pty Ltd', 'Ltd']]],
  NZ: [['en', ['Limited', 'Ltd']]],
  ZA: [['en', ['(Pty) Ltd', 'Ltd', 'Inc.']]],
  NG: [['en', ['Ltd', 'PLC', 'Nig. Ltd']]],
  KE: [['en', ['Ltd', 'Limited']]],
  GH: [['en', ['Ltd', 'Limited']]],
  TZ: [['en', ['Ltd', 'Limited']]],
  UG: [['en', ['Ltd', 'Limited']]],
  ET: [['en', ['PLC', 'S.C.']]],
  SG: [
    ['en', ['Pte Ltd', 'Pte. Ltd.']],
    ['zh', ['私人有限公司']],
  ],
  MY: [['en', ['Sdn Bhd', 'Berhad']]],
  PH: [['en', ['Inc.', 'Corp.', 'Corporation']]],
  HK: [
    ['en', ['Limited', 'Company Limited']],
    ['zhtw', ['有限公司']],
  ],
  PK: [['enin', ['(Pvt.) Ltd.', '(Private) Limited']]],
  LK: [['enin', ['(Pvt) Ltd', 'PLC']]],
  NP: [
    ['hi', ['प्रा. लि.', 'लिमिटेड']],
    ['enin', ['Pvt. Ltd.']],
  ],
  IN: [
    ['enin', ['Pvt Ltd', 'Private Limited', 'LLP', 'Ltd']],
    ['enin', ['Pvt Ltd', 'Private Limited']],
    ['hi', ['प्राइवेट लिमिटेड', 'लिमिटेड']],
  ],
  BD: [
    ['bn', ['লিমিটেড', 'প্রাইভেট লিমিটেড']],
    ['enin', ['Ltd', 'Limited']],
  ],
  ID: [['id', ['PT', 'PT', 'CV']]],
  RU: [['ru', ['ООО', 'ООО', 'АО', 'ПАО']]],
  BY: [['ru', ['ООО', 'ОАО', 'ЧУП']]],
  UA: [['uk', ['ТОВ', 'ТОВ', 'ПрАТ']]],
  BG: [['bg', ['ЕООД', 'ООД', 'АД']]],
  RS: [['sr', ['д.о.о.', 'а.д.']]],
  KZ: [['kk', ['ТОО', 'ТОО', 'АО']]],
  UZ: [['ru', ['ООО', 'АО']]],
  GR: [['el', ['Α.Ε.', 'Ε.Π.Ε.', 'Ι.Κ.Ε.', 'Ο.Ε.']]],
  CY: [
    ['el', ['Λτδ', 'Δημόσια Λτδ']],
    ['en', ['Ltd']],
  ],
  CN: [['zh', ['有限公司', '有限公司', '股份有限公司', '有限责任公司']]],
  TW: [['zhtw', ['股份有限公司', '有限公司']]],
  JP: [['ja', ['株式会社', '株式会社', '合同会社', '有限会社']]],
  KR: [['ko', ['주식회사', '(주)', '유한회사']]],
  SA: [['ar', ['المحدودة', 'ذ.م.م']]],
  AE: [
    ['ar', ['ذ.م.م', 'ش.ذ.م.م']],
    ['en', ['LLC', 'FZE', 'FZ-LLC']],
  ],
  EG: [['ar', ['ش.م.م', 'ذ.م.م']]],
  IQ: [['ar', ['المحدودة']]],
  JO: [['ar', ['ذ.م.م']]],
  KW: [['ar', ['ذ.م.م']]],
  QA: [['ar', ['ذ.م.م']]],
  SY: [['ar', ['المحدودة']]],
  MA: [
    ['ar', ['ش.م.م']],
    ['fr', ['SARL', 'SA']],
  ],
  DZ: [
    ['ar', ['ش.ذ.م.م']],
    ['fr', ['SARL', 'EURL', 'SPA']],
  ],
  TN: [
    ['ar', ['ش.ذ.م.م']],
    ['fr', ['SARL', 'SA']],
  ],
  SD: [['ar', ['المحدودة']]],
  YE: [['ar', ['المحدودة']]],
  IR: [['fa', ['(سهامی خاص)', '(با مسئولیت محدود)']]],
  AF: [['fa', ['(با مسئولیت محدود)']]],
  IL: [['he', ['בע"מ']]],
  TH: [['th', ['จำกัด', 'จำกัด (มหาชน)']]],
};

/** Countries not listed above name their companies in English with a generic form. */
const FALLBACK: readonly (readonly [string, readonly string[]])[] = [['en', ['Ltd', 'Limited', 'Co.']]];

const styleOf = (country: string) => COUNTRIES[country] ?? FALLBACK;

export interface NamedCompany {
  name: string;
  /** The language table used, for the people and streets of the same company. */
  language: string;
}

/** A company name in one of the country's languages, with one of its legal forms. */
export function companyName(r: Random, country: string): NamedCompany {
  const [language, forms] = r.pick(styleOf(country));
  const l = LANGUAGES[language]!;
  return { name: l.company(r.pick(l.stems), r.pick(l.trades), r.pick(forms), r), language };
}

/** A distributor's name: a trade name of the country's first language with "Distribution" in it. */
export function distributorName(r: Random, country: string, n: number): NamedCompany {
  const [language, forms] = styleOf(country)[0]!;
  const l = LANGUAGES[language]!;
  const trade = DISTRIBUTION[language] ?? 'Distribution';
  return { name: l.company(`${l.stems[n % l.stems.length]!}`, trade, r.pick(forms), r), language };
}

const DISTRIBUTION: Record<string, string> = {
  de: 'Distribution',
  fr: 'Distribution',
  es: 'Distribución',
  pt: 'Distribuição',
  it: 'Distribuzione',
  nl: 'Distributie',
  pl: 'Dystrybucja',
  cs: 'Distribuce',
  nordic: 'Distribution',
  tr: 'Dağıtım',
  hu: 'Disztribúció',
  ro: 'Distribuție',
  vi: 'Phân phối',
  ru: 'Дистрибуция',
  uk: 'Дистрибуція',
  bg: 'Дистрибуция',
  sr: 'Дистрибуција',
  kk: 'Дистрибуция',
  el: 'Διανομές',
  zh: '分销',
  zhtw: '經銷',
  ja: 'ディストリビューション',
  ko: '유통',
  ar: 'للتوزيع',
  fa: 'توزیع',
  he: 'הפצה',
  hi: 'डिस्ट्रीब्यूशन',
  bn: 'ডিস্ট্রিবিউশন',
  th: 'ดิสทริบิวชั่น',
};

/** A person's name in the company's language (family name first where that is the custom). */
export function personName(r: Random, language: string): string {
  const l = LANGUAGES[language] ?? LANGUAGES.en!;
  const given = r.pick(l.given);
  const family = r.pick(l.family);
  return l.person ? l.person(given, family) : `${given} ${family}`;
}

/** A street address line in the company's language. */
export function streetLine(r: Random, language: string): string {
  return (LANGUAGES[language] ?? LANGUAGES.en!).street(r);
}

/** An ASCII slug for .example domains and email addresses ("Müller Datentechnik" → "muller-datentechnik"). */
export function slug(text: string, fallback: string): string {
  const s = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return s.length >= 3 ? s : fallback;
}

/** The first language a country's companies are named in: distributors serve neighbours that share it. */
export function primaryLanguage(country: string): string {
  return styleOf(country)[0]![0];
}
