import { describe, expect, it } from 'vitest';
import { bindingBody, bindingFieldId, draftProblems, emptyDraft } from './binding-draft.js';

const CONNECTOR = '0b1f2c3d-0000-4000-8000-000000000001';
const SOURCE = 'dc0beb89-2d63-4ec7-899a-6e986ed8932f';

describe("a binding's body", () => {
  it('is the documented audience binding, rows left empty left out', () => {
    const body = bindingBody(CONNECTOR, {
      ...emptyDraft(),
      sourceId: ` ${SOURCE} `,
      sourceNumber: '123',
      sourceTitle: 'Buyers',
      sourceName: 'some name',
      variables: [
        { name: 'lastCategory', property: 'last_category' },
        { name: '', property: '' },
      ],
      properties: [
        { key: 'custom', value: 'variable', numeric: false },
        { key: 'another', value: '123', numeric: true },
        { key: 'zip', value: '01234', numeric: false },
      ],
    });
    expect(body).toEqual({
      connectorId: CONNECTOR,
      source: { type: 'audience', id: SOURCE, number: 123, name: 'Buyers' },
      sourceName: 'some name',
      profileVariables: [{ name: 'lastCategory', property: 'last_category' }],
      properties: { custom: 'variable', another: 123, zip: '01234' },
    });
  });

  it('gives a journey step no number', () => {
    expect(
      bindingBody(CONNECTOR, { ...emptyDraft(), sourceType: 'journey', sourceId: SOURCE, sourceNumber: '5', sourceTitle: 'Step 1' }),
    ).toEqual({
      connectorId: CONNECTOR,
      source: { type: 'journey', id: SOURCE, name: 'Step 1' },
    });
  });

  it('finds a value marked as a number that is none, and a key given twice, before anything is sent', () => {
    const draft = {
      ...emptyDraft(),
      properties: [
        { key: 'a', value: '12', numeric: true },
        { key: 'b', value: '0x10', numeric: true },
        { key: 'a', value: 'x', numeric: false },
        { key: 'c', value: '1e3', numeric: true },
      ],
    };
    expect(draftProblems(draft).map((problem) => problem.field)).toEqual(['properties.1.value', 'properties.2.key', 'properties.3.value']);
    expect(draftProblems({ ...emptyDraft(), properties: [{ key: 'a', value: ' -3.5 ', numeric: true }] })).toEqual([]);
    expect(bindingBody(CONNECTOR, { ...emptyDraft(), properties: [{ key: 'a', value: ' -3.5 ', numeric: true }] }).properties).toEqual({
      a: -3.5,
    });
  });

  it('names the input of each refused field', () => {
    expect([bindingFieldId('source.id'), bindingFieldId('profileVariables.2.name')]).toEqual([
      'binding-source-id',
      'binding-profileVariables-2-name',
    ]);
  });
});
