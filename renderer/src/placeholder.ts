// Replaced by the Vue application (desktop issue).
export const placeholder = true;
