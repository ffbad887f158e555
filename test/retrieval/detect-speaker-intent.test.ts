import { describe, expect, test } from 'vitest';
import { detectSpeakerIntent } from '../../src/retrieval/detect-speaker-intent.js';

const speakers = ['Felix Rieseberg', 'swyx', 'Fan-yun Sun', 'Will Bryk', 'Chris Manning', 'Chris Benson', 'Host'];

describe('detectSpeakerIntent', () => {
  test.each([
    ['what did Felix say about skills?', ['Felix Rieseberg']],
    ['what did felix say about skills?', ['Felix Rieseberg']],
    ['What does Rieseberg think of VMs?', ['Felix Rieseberg']],
    ["What is swyx's tiny teams thesis?", ['swyx']],
    ['What did Fan-yun Sun say about rendering?', ['Fan-yun Sun']],
    ['When will the models improve?', []],
    ['What did Will say about search?', ['Will Bryk']],
    ['What did Chris say about LeCun?', ['Chris Manning', 'Chris Benson']],
    ['What did the host ask first?', []],
    ['Is this a fan favourite?', []],
    ['What sport did Moonlake pick?', []],
  ])('%s → %j', (question, expected) => {
    expect(detectSpeakerIntent(question, speakers)).toStrictEqual(expected);
  });
});
