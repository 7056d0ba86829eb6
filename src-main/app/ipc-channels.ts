/** The only two IPC channels: commands in, events out. */
export const IPC_INVOKE = 'swarmdrop:invoke';
export const IPC_EVENT = 'swarmdrop:event';
