import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance, unknownNameMessage } from '../../src/core/did-you-mean.ts';

describe('editDistance', () => {
  it.each<[string, string, number]>([
    ['', '', 0],
    ['', 'abc', 3],
    ['abc', '', 3],
    ['prod', 'prod', 0],
    ['prod', 'prd', 1], // deletion
    ['prod', 'proud', 1], // insertion
    ['prod', 'prop', 1], // substitution
    ['prdo', 'prod', 1], // adjacent transposition counts once
    ['ab', 'ba', 1],
    ['wrokre', 'worker', 2], // two transpositions
    ['kitten', 'sitting', 3],
    ['staging', 'prod', 7],
    ['ca', 'abc', 3], // optimal string alignment: no edits inside a transposed pair
  ])('%s → %s is %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe('didYouMean', () => {
  const envs = ['staging', 'prod', 'dev'];
  const services = ['api', 'web', 'worker', 'billing-api'];

  it.each<[string, string, readonly string[], string | undefined]>([
    ['one substitution', 'prud', envs, 'prod'],
    ['transposition', 'prdo', envs, 'prod'],
    ['missing letter', 'stagng', envs, 'staging'],
    ['extra letter', 'proud', envs, 'prod'],
    ['prefix', 'stag', envs, 'staging'],
    ['two-letter prefix', 'st', envs, 'staging'],
    ['upper case input', 'PRDO', envs, 'prod'],
    ['mixed-case candidate keeps its spelling', 'prod', ['Prod', 'Staging'], 'Prod'],
    ['closest of several', 'wroker', services, 'worker'],
    ['short typo', 'apu', services, 'api'],
    ['a hyphenated name', 'biling-api', services, 'billing-api'],
    ['exact match', 'web', services, 'web'],
    ['nothing close', 'database', services, undefined],
    ['too many edits for a short word', 'xyz', services, undefined],
    ['a single letter is not a prefix', 'p', envs, undefined],
    ['empty input', '', envs, undefined],
    ['no candidates', 'prod', [], undefined],
  ])('%s: %s', (_name, input, candidates, expected) => {
    expect(didYouMean(input, candidates)).toBe(expected);
  });

  it('accepts any iterable', () => {
    expect(didYouMean('prdo', new Set(envs))).toBe('prod');
  });
});

describe('unknownNameMessage', () => {
  it.each<[string, string, readonly string[], string]>([
    ['service', 'apu', ['api', 'web'], 'Unknown service `apu`. Did you mean `api`? Known services: api, web.'],
    ['environment', 'qa', ['staging', 'prod'], 'Unknown environment `qa`. Known environments: staging, prod.'],
    ['service', 'api', [], 'Unknown service `api`.'],
  ])('%s %s', (kind, input, known, message) => {
    expect(unknownNameMessage(kind, input, known)).toBe(message);
  });
});
