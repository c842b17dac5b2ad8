// Placeholder: replaced by the real handler (see the issue that builds it).
export const handler = async (): Promise<void> => {};
