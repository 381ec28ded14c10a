import { OverviewChart } from './OverviewChart';
import { TenantTable } from './TenantTable';

export function TrafficView() {
  return (
    <div className="traffic" data-testid="traffic-view">
      <OverviewChart />
      <TenantTable />
    </div>
  );
}
