/**
 * An action's question, as a modal: confirm (y/N; destructive ones say so), input (Enter accepts,
 * Esc dismisses) and choice (j/k + Enter). Its keys are the question scope's (src/cockpit/bindings).
 */

import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import {
  formFor,
  messageRows,
  type QuestionForm,
  questionCut,
  questionRows,
  wholeRows,
} from '../src/cockpit/questionForm.js';
import type { PendingQuestion } from '../src/state/actionsStore.js';
import { Line } from './Row.js';
import { useTheme } from './theme.js';

export interface QuestionModalProps {
  pending: PendingQuestion;
  /** The answer being composed (null: none yet, the question's defaults). */
  form: QuestionForm | null;
  width: number;
  height: number;
}

export function QuestionModal({ pending, form: current, width, height }: QuestionModalProps) {
  const theme = useTheme();
  const q = pending.question;
  const { text, choice, detailTop, error, whole, wholeTop } = formFor(current, pending);
  const boxWidth = Math.max(10, Math.min(width, 72));
  const inner = boxWidth - 4;
  const details = q.kind === 'confirm' ? q.details : [];
  const message = messageRows(q.message, width);
  const { detailRows, choiceRows } = questionRows(q, Math.max(0, height - (message.length - 1)));

  const destructive = q.kind === 'confirm' && q.destructive;
  const cut = questionCut(q, width);
  let hint: string;
  if (q.kind === 'confirm')
    hint = cut
      ? 'y yes · n/Esc no · Enter whole text'
      : destructive
        ? 'y yes · N/Enter no · Esc no'
        : 'y yes · n no · Esc no';
  else if (q.kind === 'input') hint = `Enter accept · Esc dismiss${cut ? ' · tab whole text' : ''}`;
  else hint = `j/k choose · Enter accept · ${cut ? 'tab whole text' : 'Esc dismiss'}`;
  if (whole) return <WholeQuestion q={q} top={wholeTop} width={width} height={height} destructive={destructive} />;
  const choiceTop =
    q.kind === 'choice' ? Math.max(0, Math.min(choice - choiceRows + 1, q.choices.length - choiceRows)) : 0;

  return (
    <QuestionFrame
      width={boxWidth}
      destructive={destructive}
      title={`${q.title}${q.kind === 'confirm' ? ' [y/N]' : ''}`}
    >
      {destructive && (
        <Line width={inner} tone="bad">
          ⚠ destructive: this cannot be undone
        </Line>
      )}
      {message.map((m, i) => (
        <Line key={`m${i}`} width={inner}>
          {m}
        </Line>
      ))}
      {details.slice(detailTop, detailTop + detailRows).map((d, i) => (
        <Line key={detailTop + i} width={inner} tone="muted">
          {d}
        </Line>
      ))}
      {q.kind === 'input' && (
        <Line width={inner}>
          {'> '}
          <Text {...theme.tone('accent')}>{text}</Text>
          {'_'}
        </Line>
      )}
      {q.kind === 'input' && error && (
        <Line width={inner} tone="bad">
          {error}
        </Line>
      )}
      {q.kind === 'choice' &&
        q.choices.slice(choiceTop, choiceTop + choiceRows).map((c, i) => (
          <Line key={c.value} width={inner} inverse={choiceTop + i === choice}>
            {choiceTop + i === choice ? '▸ ' : '  '}
            {c.label}
          </Line>
        ))}
      <Line width={inner} tone="muted">
        {details.length > detailRows ? `j/k ${detailTop + detailRows}/${details.length} · ` : ''}
        {hint}
      </Line>
    </QuestionFrame>
  );
}

/** The whole question, every line wrapped (nothing cut), scrolled with j/k; Enter or tab goes back. */
function WholeQuestion({
  q,
  top,
  width,
  height,
  destructive,
}: {
  q: PendingQuestion['question'];
  top: number;
  width: number;
  height: number;
  destructive: boolean;
}) {
  const boxWidth = Math.max(10, Math.min(width, 72));
  const inner = boxWidth - 4;
  const rows = wholeRows(q, width);
  const shown = Math.max(1, height - 4);
  const answer = q.kind === 'confirm' ? ' · y yes · n no' : '';
  return (
    <QuestionFrame width={boxWidth} destructive={destructive} title={`${q.title} (whole text)`}>
      {rows.slice(top, top + shown).map((r, i) => (
        <Line key={top + i} width={inner}>
          {r}
        </Line>
      ))}
      <Line width={inner} tone="muted">
        {rows.length > shown ? `j/k ${Math.min(rows.length, top + shown)}/${rows.length} · ` : ''}Enter back{answer}
      </Line>
    </QuestionFrame>
  );
}

/** The modal's box: a round border (red when destructive) and the title line. */
function QuestionFrame({
  width,
  destructive,
  title,
  children,
}: {
  width: number;
  destructive: boolean;
  title: string;
  children: ReactNode;
}) {
  const theme = useTheme();
  return (
    <Box
      flexDirection="column"
      width={width}
      borderStyle="round"
      borderColor={destructive && !theme.noColor ? 'red' : theme.border(true)}
      paddingX={1}
      flexShrink={0}
      overflow="hidden"
    >
      <Line width={width - 4} bold tone={destructive ? 'bad' : 'accent'}>
        {title}
      </Line>
      {children}
    </Box>
  );
}
