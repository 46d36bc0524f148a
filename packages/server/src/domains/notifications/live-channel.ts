/** The pub/sub channel a user's new notifications are published on (every replica may push them). */
export const liveChannel = (userId: string) => `notifications:user:${userId}`;
