/**
 * Optional vitest `globalSetup`: one private RabbitMQ for the whole run instead of one per suite.
 * It exports the broker through the "find" variables, so every `startRabbitMq()` in the workers
 * gets a fresh vhost on it, while suites that change the whole node (`{ exclusive: true }`) still
 * start their own. Does nothing when the variables are already set (a broker given from outside).
 *
 *   // vitest.config.ts
 *   test: { globalSetup: ['test-services/global-setup.ts'] }
 */
import {
  RABBITMQ_AMQP_ENV,
  RABBITMQ_MGMT_ENV,
  RABBITMQ_PROMETHEUS_ENV,
  startRabbitMq,
} from './rabbitmq-instance';

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  if (process.env[RABBITMQ_MGMT_ENV]) return undefined;
  const broker = await startRabbitMq({ statsIntervalMs: 1000, exclusive: true });
  process.env[RABBITMQ_MGMT_ENV] = broker.managementUrl;
  process.env[RABBITMQ_AMQP_ENV] = broker.amqpUrl;
  if (broker.prometheusUrl) process.env[RABBITMQ_PROMETHEUS_ENV] = broker.prometheusUrl;
  return async () => {
    delete process.env[RABBITMQ_MGMT_ENV];
    delete process.env[RABBITMQ_AMQP_ENV];
    delete process.env[RABBITMQ_PROMETHEUS_ENV];
    await broker.stop();
  };
}
