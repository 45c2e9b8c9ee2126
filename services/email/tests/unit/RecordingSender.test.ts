import { describeEmailSenderContract } from '../support/emailSenderContract.js';
import { RecordingSender } from '../support/fakes.js';

// The fake the handler tests use keeps the EmailSender contract the SES adapter keeps
// (tests/integration/SesEmailSender.test.ts runs the same body against the local SES).

describeEmailSenderContract('RecordingSender', () => {
  const sender = new RecordingSender();
  return {
    sender,
    delivered: async (text) =>
      sender.sent
        .filter((email) => email.subject.includes(text))
        .map((email) => ({ ...email, to: [email.to] })),
  };
});
