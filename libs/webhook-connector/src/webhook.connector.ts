import { Inject, Injectable } from '@nestjs/common';
import {
  Connector,
  type ConnectorInstance,
  type ConnectorSetup,
  type EventConnector,
  type FieldError,
} from '@event-connectors/connector-sdk';
import { AddressPolicy } from './address-policy.js';
import { longestCallMs, RESOLVED_WEBHOOK_OPTIONS, type ResolvedWebhookOptions } from './webhook-connector.options.js';
import { WebhookInstance } from './webhook.instance.js';
import { WebhookSettings } from './webhook.settings.js';

/** HTTP webhooks signed per the Standard Webhooks specification: one POST of the activation message per message. */
@Connector()
@Injectable()
export class WebhookConnector implements EventConnector<WebhookSettings> {
  readonly type = 'webhook';
  readonly displayName = 'Webhook (Standard Webhooks)';
  readonly settingsClass = WebhookSettings;
  private readonly policy: AddressPolicy;

  constructor(@Inject(RESOLVED_WEBHOOK_OPTIONS) private readonly options: ResolvedWebhookOptions) {
    this.policy = new AddressPolicy(options);
  }

  get maxCallMs(): number {
    return longestCallMs(this.options);
  }

  open(setup: ConnectorSetup<WebhookSettings>): ConnectorInstance {
    return new WebhookInstance(setup, this.options, this.policy);
  }

  /** The URL's scheme and, when private networks are blocked, every address its host resolves to. */
  async vetSettings(settings: WebhookSettings): Promise<FieldError[]> {
    let url: URL;
    try {
      url = new URL(settings.url);
    } catch {
      return [{ field: 'settings.url', message: 'settings.url must be an absolute https URL' }];
    }
    const scheme = this.policy.schemeProblem(url);
    if (scheme) return [{ field: 'settings.url', message: `settings.url ${scheme}` }];
    if (!this.options.blockPrivateNetworks) return [];
    try {
      const { refused } = await this.policy.resolve(url);
      if (refused.length > 0) {
        return [
          {
            field: 'settings.url',
            message:
              'settings.url resolves to an address this service may not send to: loopback, private, link-local and reserved addresses are refused',
          },
        ];
      }
    } catch {
      // A name that does not resolve now is the check's to report (dns_failed); every connection is filtered anyway.
    }
    return [];
  }
}
