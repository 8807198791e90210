-- Webhook secrets are stored encrypted (v1:<keyId>:..., WebhookSecrets), longer than the 255 characters V1 allowed.
ALTER TABLE monitoring_alert_rule ALTER COLUMN secret TYPE character varying(4000);
