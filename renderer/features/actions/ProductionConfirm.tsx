/** The change dialog's production step: type the tenant id (or flag key) to enable the confirm button. */
import { productionConfirmed } from './production-confirm';

export function ProductionConfirm({
  id,
  name,
  noun,
  value,
  disabled,
  onChange,
}: {
  id: string;
  /** what must be typed */
  name: string;
  /** what it is, in words: "tenant id", "flag key" */
  noun: string;
  value: string;
  disabled: boolean;
  onChange(value: string): void;
}) {
  const ok = productionConfirmed(value, name);
  const wrong = value.trim() !== '' && !ok && !name.startsWith(value.trim());
  return (
    <label className="field production-confirm" htmlFor={id}>
      <span className="field__label">
        Type the {noun} <code className="mono production-confirm__name">{name}</code> to confirm{' '}
        <span className="field__req">required on a production profile</span>
      </span>
      <input
        id={id}
        className={`input mono production-confirm__input${wrong ? ' is-wrong' : ''}`}
        data-testid="flip-confirm-name"
        data-confirmed={ok ? 'true' : 'false'}
        autoComplete="off"
        spellCheck={false}
        aria-invalid={wrong || undefined}
        value={value}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value)}
      />
      {wrong ? (
        <span className="field__note field__note--error" data-testid="flip-confirm-name-note">
          does not match {name}
        </span>
      ) : null}
    </label>
  );
}
