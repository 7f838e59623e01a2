import { describe, expect, it } from 'vitest';
import { detectAddressFlags, normaliseForMatch, type AddressCategory } from './address-checks.rules.ts';
import { SHIPPED_WATCHLIST } from './watchlist.ts';

const categories = (lines: string[], country: string) =>
  detectAddressFlags(lines, country, SHIPPED_WATCHLIST).map((f) => f.category);
const flagged = (category: AddressCategory) => (line: string, country: string) =>
  expect(categories([line], country), line).toContain(category);

describe('REG-7 address checks by category', () => {
  it.each([
    ['PO Box 4417', 'US'],
    ['P.O. Box 77', 'US'],
    ['GPO Box 2471', 'AU'],
    ['Locked Bag 5000', 'AU'],
    ['Private Bag X21', 'ZA'],
    ['Postboks 1234 Vika', 'NO'],
    ['Box 7001', 'SE'],
    ['Postfach 10 11 12', 'DE'],
    ['BP 40221', 'FR'],
    ['Apartado de Correos 1024', 'ES'],
    ['Caixa Postal 3421', 'BR'],
    ['Casilla de Correo 1452', 'AR'],
    ['Skrytka pocztowa 112', 'PL'],
    ['а/я 145', 'RU'],
    ['ص.ب 2345', 'SA'],
    ['東京中央郵便局私書箱 123号', 'JP'],
    ['광화문우체국 사서함 123호', 'KR'],
    ['邮政信箱 2020号', 'CN'],
    ['PL 112', 'FI'],
    ['Pf. 123', 'HU'],
    ['Unit 2050 Box 4190, APO AE 09813', 'US'],
    ['Casilla Postal 123', 'EC'],
  ])('REG-7: flags the post-office box "%s" (%s)', flagged('po_box'));

  it.each([
    ['1800 Century Park E, PMB 318', 'US'],
    ['The UPS Store #4123', 'US'],
    ['Virtual Office, 1 World Trade Center', 'US'],
    ['Bureau virtuel, 10 rue de Penthièvre', 'FR'],
    ['Domiciliazione sede legale', 'IT'],
    ['Wirtualne biuro, ul. Prosta 51', 'PL'],
    ['バーチャルオフィス 渋谷', 'JP'],
    ['비상주 사무실', 'KR'],
    ['虚拟办公室 商务中心', 'CN'],
    ['548 Market Street #84920', 'US'],
    ['Virtual-Office Suite 5', 'US'],
    ['Virtueller Firmensitz, Hauptstr. 1', 'DE'],
    ['托管地址 朝阳区', 'CN'],
  ])('REG-7: flags the rented mailbox or virtual office "%s" (%s)', flagged('mail_drop'));

  it.each([
    ['Shipito, 1010 S Cypress St', 'US'],
    ['8400 NW 25th St, Casillero 44721', 'US'],
    ['Paketweiterleitung – Grenzweg 3', 'DE'],
    ['海外転送サービス', 'JP'],
    ['배송대행지 몰테일', 'KR'],
    ['集运仓 转运中心', 'CN'],
  ])('REG-7: flags the parcel or mail forwarding service "%s" (%s)', flagged('forwarding'));

  it.each([
    ['Packstation 143', 'DE'],
    ['Paczkomat WAW123M', 'PL'],
    ['Point Relais Mondial Relay', 'FR'],
    ['Amazon Hub Locker - Cherry', 'US'],
    ['PostNL Pakketautomaat', 'NL'],
    ['Постамат PickPoint', 'RU'],
    ['丰巢快递柜', 'CN'],
    ['PUDOステーション', 'JP'],
  ])('REG-7: flags the parcel locker or pickup point "%s" (%s)', flagged('pickup_point'));

  it.each([
    ['Bonded Warehouse, Building 75', 'US'],
    ['ShipBob Fulfillment Center', 'US'],
    ['Unit 7, Heathrow Cargo Centre', 'GB'],
    ['Spedition Kühne + Nagel, Zolllager Halle 3', 'DE'],
    ['Entrepôt sous douane', 'FR'],
    ['Armazém alfandegado - EADI Santo André', 'BR'],
    ['Склад временного хранения', 'RU'],
    ['保税倉庫', 'JP'],
    ['CJ대한통운 풀필먼트센터', 'KR'],
    ['国际货运代理有限公司', 'CN'],
  ])(
    'REG-7: flags the freight forwarder, bonded warehouse, cargo terminal or fulfilment centre "%s" (%s)',
    flagged('logistics'),
  );

  it.each([
    ['c/o Corporation Service Company', 'US'],
    ['℅ Acme Holdings', 'AU'],
    ['p.A. Spedition Müller & Söhne GmbH', 'DE'],
    ['Aux bons soins de Domiciliation Paris Centre', 'FR'],
    ['株式会社レゾナンス気付', 'JP'],
  ])('REG-7: flags an address "care of" another company: "%s" (%s)', flagged('care_of'));

  it.each([
    ['1420 Post Road', 'US'],
    ['300 Post Office Square, 4th Floor', 'US'],
    ['Boxwood Systems Inc., 88 Boxwood Lane', 'US'],
    ['Logistics Software Partners LLC, 500 Boylston St', 'US'],
    ['Poststraße 14', 'DE'],
    ['Boxhagener Straße 76', 'DE'],
    ['Speditionstraße 11', 'DE'],
    ['Calle Apartado 15, Col. Centro', 'MX'],
    ['Insurgentes Sur 1602, C.P. 03940', 'MX'],
    ['Avenue Louise 326, boîte 33', 'BE'],
    ['Calle 93B # 12-48, Oficina 301', 'CO'],
    ['ul. Pocztowa 14', 'PL'],
    ['pl. Bankowy 2', 'PL'],
    ['Cargo Data Analytics Inc., 1100 Peachtree St NE', 'US'],
    ['中国(上海)自由贸易试验区 外高桥保税区 日京路35号', 'CN'],
    ['株式会社ロジスティクスソフト', 'JP'],
    ['Jebel Ali Free Zone, LOB 15, Office 212', 'AE'],
    ['Tollbugata 10', 'NO'],
    ['No. 88 Pudong Avenue, Pudong New Area', 'CN'],
    ['Access Point Networks Ltd, 4 King St', 'GB'],
    ['A/C Cooling Ltd, 12 High St', 'GB'],
    ['Calle Pargo 12', 'MX'],
    ['PMB Helin Donovan LLP, 50 W San Fernando St', 'US'],
    ['Rue de la Consigne 4', 'FR'],
  ])('REG-7: does not flag the genuine business address "%s" (%s)', (line, country) => {
    expect(detectAddressFlags([line], country, SHIPPED_WATCHLIST)).toEqual([]);
  });

  it('REG-7: each flag carries its evidence and the address line it came from', () => {
    expect(detectAddressFlags(['1800 Century Park E', 'PMB 318'], 'US', SHIPPED_WATCHLIST)).toEqual([
      { category: 'mail_drop', evidence: 'PMB 318', line: 2 },
    ]);
    expect(detectAddressFlags(['Apex Devices LLC', 'po box 2261'], 'US', SHIPPED_WATCHLIST)).toEqual([
      { category: 'po_box', evidence: 'po box 2261', line: 2 },
    ]);
    expect(detectAddressFlags(['北京市100044信箱'], 'CN', SHIPPED_WATCHLIST)[0]).toMatchObject({
      evidence: '100044信箱',
      line: 1,
    });
    const provider = detectAddressFlags(['Regus Business Centre, Taunusanlage 8'], 'DE', SHIPPED_WATCHLIST);
    expect(provider).toEqual([{ category: 'mail_drop', evidence: 'Regus', line: 1, provider: 'Regus' }]);
    expect(detectAddressFlags(['Brightline Ltd', 'c/o Jordans Corporate Law, 21 St Thomas St'], 'GB', [])).toEqual([
      { category: 'care_of', evidence: 'c/o Jordans Corporate Law', line: 2 },
    ]);
  });

  it('REG-7: short local forms count only where they mean a box (PL 112 in Finland, not in Poland)', () => {
    expect(categories(['PL 112'], 'FI')).toEqual(['po_box']);
    expect(categories(['PL 112'], 'PL')).toEqual([]);
  });

  it('REG-7: providers are data: an entry staff add is matched however it is spelt', () => {
    const list = [{ kind: 'virtual_office' as const, name: 'Zeta Suites' }];
    expect(detectAddressFlags(['ZETA-suites, 1 Main St'], 'US', list)).toEqual([
      { category: 'mail_drop', evidence: 'Zeta Suites', line: 1, provider: 'Zeta Suites' },
    ]);
    // Whole words only: a company whose name merely starts with a provider's is not that provider.
    expect(detectAddressFlags(['Zetamax Suites Software, 1 Main St'], 'US', list)).toEqual([]);
    expect(normaliseForMatch('Kühne + Nagel, 12 Harbour Road')).toBe(normaliseForMatch('Kuehne Nagel 12 Harbour Rd'));
  });
});
