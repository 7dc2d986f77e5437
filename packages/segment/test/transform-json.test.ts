/**
 * JSON scalar functions and the JsonPath subset, with expectations from pinot-common `function/JsonFunctionsTest`
 * and pinot-core `data/function/JsonFunctionsTest`.
 */
import { describe, expect, it } from 'vitest';
import { compileExpression } from '../src/transform/evaluator.js';
import { compileJsonPath, parseJackson, readJsonPath, writeJackson } from '../src/transform/json.js';
import { fromJs, JArray, JInt, JMap, JTimestamp, type JValue } from '../src/transform/jvalue.js';
import { parseBigDecimal } from '../src/big-decimal.js';

const ev = (expr: string, row: Record<string, unknown> = {}): JValue => compileExpression(expr).evaluate((c) => fromJs(row[c]));
const int = (n: number): JInt => new JInt(n);
const list = (...items: JValue[]): JArray => new JArray('List', items);
const objs = (...items: JValue[]): JArray => new JArray('Object', items);
/** A LinkedHashMap, as Jackson builds it. */
const lmap = (o: Record<string, JValue>): JMap => new JMap(new Map(Object.entries(o)), false);

const GITHUB_EVENT = JSON.stringify({
  id: '7044885078',
  type: 'CreateEvent',
  actor: {
    id: 33500718,
    login: 'dipper-github-icn-bom-cdg',
    display_login: 'dipper-github-icn-bom-cdg',
    gravatar_id: '',
    url: 'https://api.github.com/users/dipper-github-icn-bom-cdg',
    avatar_url: 'https://avatars.githubusercontent.com/u/33500718?',
  },
  repo: { id: 112368043, name: 'dipper-github-icn-bom-cdg/test-ruby-sample', url: 'https://api.github.com/repos/dipper-github-icn-bom-cdg/test-ruby-sample' },
  payload: { ref: 'canary-test-7f3af0db-3ffa-4259-894f-950d2c76594b', ref_type: 'branch', master_branch: 'master', description: null, pusher_type: 'user' },
  public: true,
  created_at: '2018-01-01T11:12:53Z',
});

const SUBJECTS = JSON.stringify({
  name: 'Pete',
  age: 24,
  subjects: [
    { name: 'maths', homework_grades: [80, 85, 90, 95, 100], grade: 'A' },
    { name: 'english', homework_grades: [60, 65, 70, 85, 90], grade: 'B' },
  ],
});

describe('jsonPath* (testJsonFunction ...)', () => {
  it('github event', () => {
    const row = { j: GITHUB_EVENT };
    expect(ev("jsonPathExists(j, '$.actor.id')", row)).toBe(true);
    expect(ev("jsonPathString(j, '$.actor.id')", row)).toBe('33500718');
    expect(ev("jsonPathLong(j, '$.actor.id')", row)).toBe(33500718n);
    expect(ev("jsonPathDouble(j, '$.actor.id')", row)).toBe(33500718);
    expect(ev("jsonPathExists(j, '$.actor.aaa')", row)).toBe(false);
    expect(ev("jsonPathString(j, '$.actor.aaa', 'null')", row)).toBe('null');
    expect(ev("jsonPathString('not json', '$.actor.aaa', 'null')")).toBe('null');
    expect(ev("jsonPathString(nothing, '$.actor.aaa', 'null')")).toBe('null');
    expect(ev("jsonPathLong(j, '$.actor.aaa', 100)", row)).toBe(100n);
    expect(ev("jsonPathLong(j, '$.actor.aaa')", row)).toBe(-(2n ** 63n));
    expect(ev("jsonPathLong(nothing, '$.actor.aaa', -9223372036854775808)")).toBe(-(2n ** 63n));
    expect(ev("jsonPathDouble(j, '$.actor.aaa', 53.2)", row)).toBe(53.2);
    expect(ev("jsonPathDouble('not json', '$.actor.aaa', 53.2)")).toBe(53.2);
    expect(ev("jsonPathDouble(j, '$.actor.aaa')", row)).toBeNaN();
  });

  it('defaults, nulls and invalid JSON', () => {
    const row = { j: '{"name": "Pete", "age": 24}' };
    expect(ev("jsonPathString(j, '$.name', 'default')", row)).toBe('Pete');
    expect(ev("jsonPathString(j, '$.missing', 'default')", row)).toBe('default');
    expect(ev("jsonPathString(j, '$.missing', null)", row)).toBeNull();
    expect(ev("jsonPathString(j, '$.age', 'default')", row)).toBe('24');
    expect(ev("jsonPathString(j, '$.age')", row)).toBe('24');
    expect(ev("jsonPathString(j, '$.missing')", row)).toBeNull();
    expect(() => ev("jsonPathString('not json', '$.anything')")).toThrow(/InvalidJsonException/);
    expect(ev("jsonPathString(nothing, '$.anything')")).toBeNull(); // non-nullable parameters: null in, null out
    expect(ev("jsonPathString('{\"foo\": null}', '$.foo')")).toBeNull();
    expect(ev("jsonPathString('{\"foo\": null}', '$.foo', 'default')")).toBe('default');
    expect(ev("jsonPathString('{\"foo\": \"null\"}', '$.foo')")).toBe('null');
  });

  it('default variants skip input that cannot begin a JSON value', () => {
    expect(ev("jsonPathString('INFO 2026-06-08 request done', '$.level', 'def')")).toBe('def');
    expect(ev("jsonPathLong('ERROR boom code', '$.code', -1)")).toBe(-1n);
    expect(ev("jsonPathDouble('WARN slow request', '$.latency', -1.0)")).toBe(-1);
    expect(ev("jsonPathArrayDefaultEmpty('plain text line', '$.items')")).toStrictEqual(objs());
    expect(ev("jsonPathArrayDefaultEmpty(nothing, '$.items')")).toStrictEqual(objs());
    expect(ev("jsonPathString('   ', '$.x', 'def')")).toBe('def');
    expect(ev("jsonPathString(a, '$.level', 'def')", { a: '  \n {"level":"info"}' })).toBe('info');
    expect(ev("jsonPathString('[{\"k\":\"v\"}]', '$[0].k', 'def')")).toBe('v');
    expect(ev("jsonPathString('12345', '$', 'def')")).toBe('12345');
    expect(ev("jsonPathString('\"hello\"', '$', 'def')")).toBe('hello');
    expect(ev("jsonPathString('+5', '$', 'def')")).toBe('def');
    expect(ev("jsonPathString('NaN', '$', 'def')")).toBe('def');
    expect(ev("jsonPathString('''single quoted''', '$.x', 'def')")).toBe('def');
  });

  it('jsonExtractObject parses once; jsonPath navigates the parsed object', () => {
    const obj = ev("jsonExtractObject('{\"level\":\"info\",\"log\":{\"msg\":\"hi\"}}')");
    expect(obj).toBeInstanceOf(JMap);
    expect(ev("jsonPathString(o, '$.log.msg', 'def')", { o: obj })).toBe('hi');
    expect(ev("jsonExtractObject('[{\"k\":\"v\"}]')")).toBeInstanceOf(JArray);
    expect(ev('jsonExtractObject(nothing)')).toBeNull();
    expect(ev("jsonExtractObject('INFO plain text log line')")).toBeNull();
    expect(ev("jsonExtractObject('12345')")).toBeNull();
    expect(ev("jsonExtractObject('')")).toBeNull();
    expect(ev("jsonPathString(a, '$[0].k', 'def')", { a: [{ k: 'v' }] })).toBe('v');
  });

  it('arrays (testJsonFunctionExtractingArray)', () => {
    const row = { j: SUBJECTS };
    expect(ev("jsonPathExists(j, '$.subjects[*].name')", row)).toBe(true);
    expect(ev("jsonPathArray(j, '$.subjects[*].name')", row)).toStrictEqual(objs('maths', 'english'));
    expect(ev("jsonPathArray(j, '$.subjects[*].grade')", row)).toStrictEqual(objs('A', 'B'));
    expect(ev("jsonPathArray(j, '$.subjects[*].homework_grades')", row)).toStrictEqual(
      objs(list(...[80, 85, 90, 95, 100].map(int)), list(...[60, 65, 70, 85, 90].map(int))),
    );
    expect(ev("jsonPathExists(j, 'not json')", row)).toBe(false);
    expect(ev("jsonPathArrayDefaultEmpty(j, 'not json')", row)).toStrictEqual(objs());
    expect(ev("jsonPathExists(j, '$.subjects[*].missing')", row)).toBe(true);
    expect(ev("jsonPathArrayDefaultEmpty(j, '$.subjects[*].missing')", row)).toStrictEqual(objs());
    expect(ev("jsonPathArray(j, '$.subjects[*].name')", { j: '{"name": "Pete", "age": 24}' })).toStrictEqual(objs());
  });

  it('Object[] inputs (ArrayAwareJacksonJsonProvider) and top-level arrays', () => {
    const commits = { commits: [{ sha: 123, name: 'k' }, { sha: 456, name: 'j' }] };
    expect(ev("jsonPathExists(r, '$.commits[*].sha')", { r: commits })).toBe(true);
    expect(ev("jsonPathArray(r, '$.commits[*].sha')", { r: commits })).toStrictEqual(objs(int(123), int(456)));
    expect(ev("jsonPathArray(r, '$.commits[1].sha')", { r: commits })).toStrictEqual(objs(int(456)));
    const top = '[{"sha": 123, "name": "k"}, {"sha": 456, "name": "j"}]';
    expect(ev("jsonPathArray(r, '$.[*].sha')", { r: top })).toStrictEqual(objs(int(123), int(456)));
    expect(ev("jsonPathArray(r, '$.[1].sha')", { r: top })).toStrictEqual(objs(int(456)));
    expect(ev("jsonPathArray(r, '$.[*].sha')", { r: JSON.parse(top) })).toStrictEqual(objs(int(123), int(456)));
  });

  it('jsonPathString renders non-strings as JSON (testJsonPathStringOnExtractedValues)', () => {
    const m = (v: JValue): JMap => lmap({ v });
    expect(ev("jsonPathString(a, '$.v')", { a: m(int(42)) })).toBe('42');
    expect(ev("jsonPathString(a, '$.v')", { a: m(1.5) })).toBe('1.5');
    expect(ev("jsonPathString(a, '$.v')", { a: m(parseBigDecimal('123.45')) })).toBe('123.45');
    expect(ev("jsonPathString(a, '$.v')", { a: m(true) })).toBe('true');
    expect(ev("jsonPathString(a, '$.v')", { a: m(lmap({ k: 'w' })) })).toBe('{"k":"w"}');
    expect(ev("jsonPathString(a, '$.v')", { a: m(list(int(1), int(2), int(3))) })).toBe('[1,2,3]');
    expect(ev("jsonPathString(a, '$.v')", { a: m(new JTimestamp(1000n)) })).toBe('1000');
    expect(ev("jsonPathString(a, '$.bar')", { a: '{"foo":"x","bar":{"foo":"y"}}' })).toBe('{"foo":"y"}');
  });

  it('jsonPathLong / jsonPathDouble conversions', () => {
    expect(ev("jsonPathLong('{\"v\":true}', '$.v')")).toBe(1n);
    expect(ev("jsonPathLong(a, '$.v')", { a: lmap({ v: false }) })).toBe(0n);
    expect(ev("jsonPathLong(a, '$.v')", { a: lmap({ v: new JTimestamp(1000n) }) })).toBe(1000n);
    expect(ev("jsonPathLong(a, '$.v')", { a: lmap({ v: parseBigDecimal('123.45') }) })).toBe(123n);
    expect(ev("jsonPathLong(a, '$.v', -1)", { a: lmap({ v: lmap({ k: 'w' }) }) })).toBe(-1n);
    expect(ev("jsonPathLongFast(a, '$.v', -1)", { a: lmap({ v: new JTimestamp(1000n) }) })).toBe(1000n);
    expect(ev("jsonPathDouble('{\"v\":true}', '$.v')")).toBe(1);
    expect(ev("jsonPathDouble(a, '$.v')", { a: lmap({ v: parseBigDecimal('123.45') }) })).toBe(123.45);
    expect(ev("jsonPathDouble(a, '$.v', -1.0)", { a: lmap({ v: lmap({ k: 'w' }) }) })).toBe(-1);
    expect(ev("jsonPathDoubleFirstMatch(a, '$.v', -1.0)", { a: lmap({ v: true }) })).toBe(1);
  });

  it('jsonPathArray of definite paths (jsonPathArrayTestCases)', () => {
    const j = '{"foo":"x","bar":{"foo":"y"}}';
    expect(ev("jsonPathArray(j, '$.foo')", { j })).toStrictEqual(objs('x'));
    expect(ev("jsonPathArray(j, '$.qux')", { j })).toBeNull();
    expect(ev("jsonPathArray(j, '$.bar')", { j })).toStrictEqual(objs(lmap({ foo: 'y' })));
  });

  it('jsonKeyValueArrayToMap / jsonStringToArray / jsonStringToMap / jsonStringToListOrMap', () => {
    const expected = new Map([1, 2, 3, 4, 5].map((i) => [`k${i}`, `v${i}`] as [string, JValue]));
    const kv = '[' + [1, 2, 3, 4, 5].map((i) => `{"key": "k${i}", "value": "v${i}"}`).join(', ') + ']';
    expect((ev('jsonKeyValueArrayToMap(a)', { a: kv }) as JMap).entries).toStrictEqual(expected);
    const arr = [1, 2, 3, 4, 5].map((i) => `{"key": "k${i}", "value": "v${i}"}`);
    expect((ev('jsonKeyValueArrayToMap(a)', { a: arr }) as JMap).entries).toStrictEqual(expected);
    expect((ev("jsonKeyValueArrayToMap(a, 'k', 'v')", { a: '[{"k": "a", "v": 1}]' }) as JMap).entries).toStrictEqual(new Map([['a', '1']]));

    const arrayString = '[{"k1":"v1"}, {"k2":"v2"}]';
    expect(ev('jsonStringToArray(a)', { a: arrayString })).toStrictEqual(list(lmap({ k1: 'v1' }), lmap({ k2: 'v2' })));
    expect(ev('jsonStringToListOrMap(a)', { a: arrayString })).toStrictEqual(list(lmap({ k1: 'v1' }), lmap({ k2: 'v2' })));
    const mapString = '{"k1":"v1", "k2":"v2"}';
    expect(ev('jsonStringToMap(a)', { a: mapString })).toStrictEqual(lmap({ k1: 'v1', k2: 'v2' }));
    expect(ev('jsonStringToMap(a)', { a: '["k1":"v1"}' })).toBeNull();
    expect(ev('jsonStringToListOrMap(a)', { a: '["k1":"v1"}' })).toBeNull();
  });
});

describe('toJsonMapStr / jsonFormat (pinot-core JsonFunctionsTest)', () => {
  it('maps parsed by Jackson keep their order and number types', () => {
    for (const json of ['{"k1":"foo","k2":"bar"}', '{"k3":{"sub1":10,"sub2":1.0},"k4":"baz","k5":[1,2,3]}']) {
      expect(ev('toJsonMapStr(jsonStringToMap(a))', { a: json })).toBe(json);
      expect(ev('json_format(jsonStringToMap(a))', { a: json })).toBe(json);
    }
    for (const json of ['[{"one":1,"two":"too"},{"one":11,"two":"roo"}]', '[{"one":1,"two":{"sub1":1.1,"sub2":1.2},"three":["a","b"]},{"one":11,"two":{"sub1":11.1,"sub2":11.2},"three":["aa","bb"]}]']) {
      expect(ev('json_format(jsonStringToArray(a))', { a: json })).toBe(json);
    }
  });
  it('json_path_array / json_path_string / long / double on parsed containers', () => {
    const arr = '[{"one":1,"two":{"sub1":1.1,"sub2":1.2},"three":["a","b"]},{"one":11,"two":{"sub1":11.1,"sub2":11.2},"three":["aa","bb"]}]';
    expect(ev("json_path_array(jsonStringToArray(a), '$.[*].one')", { a: arr })).toStrictEqual(objs(int(1), int(11)));
    expect(ev("json_path_array(jsonStringToArray(a), '$.[*].three')", { a: arr })).toStrictEqual(objs(list('a', 'b'), list('aa', 'bb')));
    const m = '{"k3":{"sub1":10,"sub2":1.0},"k4":"baz","k5":[1,2,3]}';
    expect(ev("json_path_string(jsonStringToMap(a), '$.k3')", { a: m })).toBe('{"sub1":10,"sub2":1.0}');
    expect(ev("json_path_string(jsonStringToMap(a), '$.k4')", { a: m })).toBe('baz');
    expect(ev("json_path_long(jsonStringToMap(a), '$.k3.sub1')", { a: m })).toBe(10n);
    expect(ev("json_path_double(jsonStringToMap(a), '$.k3.sub2')", { a: m })).toBe(1);
    const row = { json: '{"text":"value","count":10,"ratio":1.25}' };
    expect(ev("json_path_string_fory(json, '$.text', 'DEFAULT')", row)).toBe('value');
    expect(ev("json_path_long_fory(json, '$.count', -1)", row)).toBe(10n);
    expect(ev("json_path_double_fast(json, '$.ratio', -1.0)", row)).toBe(1.25);
  });
  it('jsonFormat of null is null; of JSON values their JSON text', () => {
    expect(ev('json_format(jsonMap)', {})).toBeNull();
    expect(ev("json_format('text')")).toBe('"text"');
    expect(ev('json_format(a)', { a: [1, 'x', null, true] })).toBe('[1,"x",null,true]');
    expect(ev('json_format(a)', { a: new Uint8Array([1, 2, 3]) })).toBe('"AQID"');
  });
});

describe('JsonPath subset', () => {
  const doc = parseJackson('{"a":{"b":[{"c":1,"d":"x"},{"c":2},{"c":3,"d":"y"}]},"x y":5,"arr":[1,2,3,4,5],"n":null}');
  const read = (p: string): JValue => readJsonPath(doc, compileJsonPath(p));
  it('definite paths', () => {
    expect(read('$.a.b[0].c')).toStrictEqual(int(1));
    expect(read("$['x y']")).toStrictEqual(int(5));
    expect(read('$["a"]["b"][2].d')).toBe('y');
    expect(read('$.arr[-1]')).toStrictEqual(int(5));
    expect(read('$.arr[9]')).toBeNull();
    expect(read('$.n')).toBeNull();
    expect(read('$.missing.deeper')).toBeNull();
    expect(read('a.b[1].c')).toStrictEqual(int(2)); // no leading $: Jayway prepends "$."
  });
  it('indefinite paths give lists', () => {
    expect(read('$.a.b[*].d')).toStrictEqual(list('x', 'y'));
    expect(read('$..c')).toStrictEqual(list(int(1), int(2), int(3)));
    expect(read('$.arr[1:3]')).toStrictEqual(list(int(2), int(3)));
    expect(read('$.arr[-2:]')).toStrictEqual(list(int(4), int(5)));
    expect(read('$.arr[:2]')).toStrictEqual(list(int(1), int(2)));
    expect(read('$.arr[0,2]')).toStrictEqual(list(int(1), int(3)));
    expect(read('$.a.b[?(@.c > 1)].c')).toStrictEqual(list(int(2), int(3)));
    expect(read("$.a.b[?(@.d == 'y')].c")).toStrictEqual(list(int(3)));
    expect(read('$.a.b[?(@.d)].c')).toStrictEqual(list(int(1), int(3)));
    expect(read("$['a']['nope'][*]")).toStrictEqual(list());
  });
  it('invalid paths throw', () => {
    expect(() => compileJsonPath('$.a.')).toThrow(/InvalidPath|must not end/);
    expect(() => compileJsonPath('$.a[')).toThrow();
    expect(() => compileJsonPath('$.a.length()')).toThrow(/not supported/);
  });
  it('Jackson parsing and writing', () => {
    expect(parseJackson('{"a":1,"a":2}')).toStrictEqual(lmap({ a: int(2) }));
    expect(parseJackson('12345678901')).toBe(12345678901n);
    expect(parseJackson('1.0')).toBe(1);
    expect(parseJackson('{"a":1} trailing')).toStrictEqual(lmap({ a: int(1) }));
    expect(() => parseJackson('01')).toThrow(/Leading zeroes/);
    expect(() => parseJackson('')).toThrow(/No content/);
    expect(writeJackson(1)).toBe('1.0');
    expect(writeJackson(NaN)).toBe('"NaN"');
    expect(writeJackson(fromJs({ b: 1, a: 'x' }))).toBe('{"a":"x","b":1}'); // a JSON-reader map is a HashMap
  });
});
