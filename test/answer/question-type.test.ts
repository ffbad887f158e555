import { expect, test } from 'vitest';
import { asksForName, namesSomethingNew } from '../../src/answer/question-type.js';

test.each([
  ['Which university did Lukas Egger study at?', true],
  ['In which city is askui headquartered?', true],
  ['Where did Bharat Sandu get his MBA?', true],
  ['What is the name of the website she mentioned?', true],
  ['What is the framework called?', true],
  ['Which Anthropic colleague created skills?', true],
  // A person, a choice, a description, a position or a time: not a name.
  ['Which guest argued against LeCun?', false],
  ['Which of the two models is faster?', false],
  ['Which three kinds of people does Lukas describe?', false],
  ['Which use cases blew up after launch?', false],
  ['Which Cowork use case blew up after launch?', false],
  ['Which AI guest argued against LeCun?', false],
  ['Where in the cascade did the model go?', false],
  ['When does Chris say which company he joined?', false],
  ['What did Felix build?', false],
])('asksForName(%j) is %s', (question, expected) => {
  expect(asksForName(question)).toBe(expected);
});

test.each([
  ['Which company acquired JustGiving?', 'I was chief analytics officer for JustGiving, a UK-based company.', true],
  [
    'Which company acquired JustGiving?',
    "And formerly I was the chief analytics officer for JustGiving, the world's largest giving platform.",
    false,
  ],
  ['Which experiment did Rob work on?', 'I worked on the ATLAS experiment at CERN.', true],
  // Titles, abbreviations, stopwords and numbers are not names; nor is a word the question already uses.
  ['Which university did he attend?', 'He was CEO and did AI research. And then, 2019 happened.', false],
  ['Which university did Anima attend?', 'Anima said the university was great.', false],
  ['Which phone does she use?', 'she loves her iPhone', true],
])('namesSomethingNew(%j, %j) is %s', (question, quote, expected) => {
  expect(namesSomethingNew(question, quote)).toBe(expected);
});

test('the names of the people in the conversation are not new names', () => {
  const question = 'In which city did Daniel and Natalie first meet?';
  const quote = 'I am super-pumped this week, because Natalie Pistunovich is with us.';
  expect(namesSomethingNew(question, quote)).toBe(true);
  expect(namesSomethingNew(question, quote, ['Daniel Whitenack', 'Natalie Pistunovich'])).toBe(false);
});
