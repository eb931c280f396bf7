/**
 * The completion scripts: thin wrappers that pass the words typed so far to the hidden
 * `trainyard __complete -- WORDS…` and hand its answer (`word<TAB>description` lines, or
 * `:file`) to the shell. The words go as arguments, never through eval.
 */
import { UsageError } from '../args.js';

const BASH = `# trainyard completion for bash: source <(trainyard completion bash)
_trainyard() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" line
  local -a answer=()
  COMPREPLY=()
  mapfile -t answer < <(trainyard __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
  if [[ "\${answer[0]}" == ":file" ]]; then
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    compopt -o filenames 2>/dev/null
    return 0
  fi
  for line in "\${answer[@]}"; do
    COMPREPLY+=("\${line%%$'\\t'*}")
  done
}
complete -F _trainyard trainyard
`;

const ZSH = `#compdef trainyard
# trainyard completion for zsh: source <(trainyard completion zsh) after compinit,
# or save it as _trainyard in a directory of your fpath.
_trainyard() {
  local -a answer described
  local line
  answer=("\${(@f)$(trainyard __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  if [[ "\${answer[1]}" == ":file" ]]; then
    _files
    return
  fi
  for line in "\${answer[@]}"; do
    [[ -z "$line" ]] && continue
    if [[ "$line" == *$'\\t'* ]]; then
      described+=("\${\${line%%$'\\t'*}//:/\\\\:}:\${line#*$'\\t'}")
    else
      described+=("\${line//:/\\\\:}")
    fi
  done
  (( \${#described} )) && _describe -t trainyard 'trainyard' described
}
if [[ "\${funcstack[1]}" == "_trainyard" ]]; then
  _trainyard "$@"
elif (( \${+functions[compdef]} )); then
  compdef _trainyard trainyard
else
  print -u2 "trainyard completion: run 'autoload -U compinit && compinit' before sourcing it"
fi
`;

const FISH = `# trainyard completion for fish: trainyard completion fish > ~/.config/fish/completions/trainyard.fish
function __trainyard_complete
    set -l before (commandline -opc)
    set -e before[1]
    set -l current (commandline -ct)
    set -l answer (trainyard __complete -- $before "$current" 2>/dev/null)
    if test "$answer[1]" = ":file"
        __fish_complete_path "$current"
    else
        printf '%s\\n' $answer
    end
end
complete -c trainyard -f -a '(__trainyard_complete)'
`;

export const SHELLS = ['bash', 'zsh', 'fish'] as const;

export function completionScript(shell: string | undefined): string {
  switch (shell) {
    case 'bash':
      return BASH;
    case 'zsh':
      return ZSH;
    case 'fish':
      return FISH;
    default:
      throw new UsageError(
        `usage: trainyard completion bash|zsh|fish${shell ? ` ("${shell}" is not one of them)` : ''}`,
      );
  }
}
