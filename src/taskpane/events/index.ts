export { EventsWorkspace, type EventsWorkspaceProps } from './events-workspace';
