/**
 * Answers to the callback questionnaire: which items were left unanswered, and which problems the
 * answers reveal. Plain code without zod, so the callback workflow uses it (see plain-check.ts).
 */
import type { Question } from './questionnaire';
import type { ReasonCode } from './vocabulary';

export const ANSWERS = ['yes', 'no', 'unclear'] as const;
export type Answer = (typeof ANSWERS)[number];

/** Items asked but not answered: a completed call must answer every one. */
export function unansweredQuestions(questions: readonly Pick<Question, 'id'>[], answers: Record<string, Answer>): string[] {
  return questions.filter((q) => !(q.id in answers)).map((q) => q.id);
}

/** The problem reasons the answers reveal, each once, in questionnaire order. */
export function problemsInAnswers(
  questions: readonly Pick<Question, 'id' | 'reasonIfNotYes'>[],
  answers: Record<string, Answer>,
): ReasonCode[] {
  const reasons = questions.filter((q) => answers[q.id] !== undefined && answers[q.id] !== 'yes').map((q) => q.reasonIfNotYes);
  return [...new Set(reasons)];
}
