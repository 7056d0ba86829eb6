/**
 * The gate every payload passes (DESIGN: the host validates every payload it receives):
 * unknown commands are rejected by name, known ones are parsed by their zod schema, and
 * what comes out is the typed request.
 */
import { commandSchemas, type IssueParams } from '../../src-shared/contract/schemas.ts';
import { ContractError, ERROR_WORDING } from '../../src-shared/contract/error-codes.ts';
import type { CommandName, CommandRequest } from '../../src-shared/contract/commands.ts';

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(commandSchemas, name);
}

export function validateCommand(
  name: string,
  request: unknown,
): { name: CommandName; request: CommandRequest<CommandName> } {
  if (!isCommandName(name))
    throw new ContractError(
      'unknown-command',
      ERROR_WORDING['unknown-command'],
      `unknown command '${name.slice(0, 64)}'`,
    );
  const parsed = commandSchemas[name].safeParse(request ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') ?? '';
    // A few checks name their own error code or wording (IssueParams in schemas.ts).
    const params: IssueParams = issue?.code === 'custom' ? (issue.params ?? {}) : {};
    const code = params.errorCode ?? 'bad-request';
    const detail = `${name}: ${where ? `${where}: ` : ''}${issue?.message ?? 'invalid'}`;
    const message = params.ownWording && issue ? `${issue.message}.` : ERROR_WORDING[code];
    throw new ContractError(code, message, detail);
  }
  return { name, request: parsed.data as CommandRequest<CommandName> };
}
