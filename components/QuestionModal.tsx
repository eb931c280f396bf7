/**
 * An action's question, as a modal that owns the keyboard: confirm (y/N; destructive ones say so),
 * input (Enter accepts, Esc dismisses) and choice (j/k + Enter). Esc answers false / null.
 */
import React, { useRef, useState } from 'react';
import { Box, Text, useInput } from 'ink';
import type { PendingQuestion } from '../src/state/actionsStore.js';
import { Line } from './Row.js';
import { useTheme } from './theme.js';

export interface QuestionModalProps {
  pending: PendingQuestion;
  width: number;
  height: number;
  onAnswer(questionId: number, value: boolean | string | null): void;
}

export function QuestionModal({ pending, width, height, onAnswer }: QuestionModalProps) {
  const theme = useTheme();
  const q = pending.question;
  const answered = useRef(false);
  const [text, setText] = useState(q.kind === 'input' ? q.defaultValue : '');
  const [error, setError] = useState<string | null>(null);
  const [choice, setChoice] = useState(q.kind === 'choice' ? Math.max(0, q.choices.findIndex((c) => c.value === q.defaultValue)) : 0);
  const [detailTop, setDetailTop] = useState(0);

  const answer = (value: boolean | string | null) => {
    if (answered.current) return;
    answered.current = true;
    onAnswer(pending.id, value);
  };

  const boxWidth = Math.max(10, Math.min(width, 72));
  const inner = boxWidth - 4;
  const details = q.kind === 'confirm' ? q.details : [];
  // border 2, title, message, answer line, hint
  const detailRows = Math.max(0, Math.min(details.length, height - 6 - (q.kind === 'confirm' && q.destructive ? 1 : 0)));
  const choiceRows = q.kind === 'choice' ? Math.max(1, Math.min(q.choices.length, height - 6)) : 0;

  useInput((input, key) => {
    if (key.escape) return answer(q.kind === 'confirm' ? false : null);
    if (q.kind === 'confirm') {
      if (input === 'y' || input === 'Y') answer(true);
      else if (input === 'n' || input === 'N' || key.return) answer(false);
      else if (input === 'j' || key.downArrow) setDetailTop((t) => Math.min(t + 1, Math.max(0, details.length - detailRows)));
      else if (input === 'k' || key.upArrow) setDetailTop((t) => Math.max(0, t - 1));
    } else if (q.kind === 'input') {
      if (key.return) {
        const problem = q.validate?.(text) ?? null;
        if (problem) setError(problem);
        else answer(text);
      } else if (key.backspace || key.delete) setText((t) => [...t].slice(0, -1).join(''));
      else if (key.ctrl && input === 'u') setText('');
      else if (!key.ctrl && !key.meta && input) setText((t) => t + input.replace(/[\r\n]/g, ''));
    } else {
      if (input === 'j' || key.downArrow) setChoice((c) => Math.min(q.choices.length - 1, c + 1));
      else if (input === 'k' || key.upArrow) setChoice((c) => Math.max(0, c - 1));
      else if (key.return) answer(q.choices[choice]?.value ?? null);
    }
  });

  const destructive = q.kind === 'confirm' && q.destructive;
  let hint: string;
  if (q.kind === 'confirm') hint = destructive ? 'y yes · N/Enter no · Esc no' : 'y yes · n no · Esc no';
  else if (q.kind === 'input') hint = 'Enter accept · Esc dismiss';
  else hint = 'j/k choose · Enter accept · Esc dismiss';
  const choiceTop = q.kind === 'choice' ? Math.max(0, Math.min(choice - choiceRows + 1, q.choices.length - choiceRows)) : 0;

  return (
    <Box flexDirection="column" width={boxWidth} borderStyle="round" borderColor={destructive && !theme.noColor ? 'red' : theme.border(true)} paddingX={1} flexShrink={0} overflow="hidden">
      <Line width={inner} bold tone={destructive ? 'bad' : 'accent'}>
        {q.title}
        {q.kind === 'confirm' ? ' [y/N]' : ''}
      </Line>
      {destructive && (
        <Line width={inner} tone="bad">
          ⚠ destructive: this cannot be undone
        </Line>
      )}
      <Line width={inner}>{q.message}</Line>
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
    </Box>
  );
}
