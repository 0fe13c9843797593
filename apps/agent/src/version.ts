/** The version the agent and the monitoring API report. */
export const VERSION = '0.1.0';
