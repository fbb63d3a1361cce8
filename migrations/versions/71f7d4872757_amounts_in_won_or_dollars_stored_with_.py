"""Amounts in won or dollars, stored with their currency.

Founders here raise in won. The amounts so far were whole US dollars: the columns are renamed, keep
their values, and are marked USD; new profiles default to won.

Revision ID: 71f7d4872757
Revises: 0ed72c4b0e19
Create Date: 2026-11-24 13:12:08.676346

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '71f7d4872757'
down_revision = '0ed72c4b0e19'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_organisations_ticket_range_ordered'), type_='check')
        batch_op.drop_constraint(op.f('ck_organisations_raising_not_negative'), type_='check')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.alter_column('raising_usd', new_column_name='raising_amount')
        batch_op.alter_column('ticket_min_usd', new_column_name='ticket_min')
        batch_op.alter_column('ticket_max_usd', new_column_name='ticket_max')
        batch_op.add_column(
            sa.Column('raising_currency', sa.String(length=3), nullable=False, server_default='USD')
        )
        batch_op.add_column(
            sa.Column('ticket_currency', sa.String(length=3), nullable=False, server_default='USD')
        )
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        # The existing rows are dollars; from now on the application sets the currency itself.
        batch_op.alter_column('raising_currency', server_default=None)
        batch_op.alter_column('ticket_currency', server_default=None)
        batch_op.create_check_constraint(
            'ticket_range_ordered', 'ticket_min IS NULL OR ticket_max IS NULL OR ticket_min <= ticket_max'
        )
        batch_op.create_check_constraint('raising_not_negative', 'raising_amount IS NULL OR raising_amount >= 0')
        batch_op.create_check_constraint('raising_currency_allowed', "raising_currency IN ('KRW', 'USD')")
        batch_op.create_check_constraint('ticket_currency_allowed', "ticket_currency IN ('KRW', 'USD')")


def downgrade():
    # Won amounts cannot be turned back into dollars without a rate: they are dropped, not mislabelled.
    op.execute("UPDATE organisations SET raising_amount = NULL WHERE raising_currency <> 'USD'")
    op.execute("UPDATE organisations SET ticket_min = NULL, ticket_max = NULL WHERE ticket_currency <> 'USD'")
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_organisations_ticket_currency_allowed'), type_='check')
        batch_op.drop_constraint(op.f('ck_organisations_raising_currency_allowed'), type_='check')
        batch_op.drop_constraint(op.f('ck_organisations_raising_not_negative'), type_='check')
        batch_op.drop_constraint(op.f('ck_organisations_ticket_range_ordered'), type_='check')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('ticket_currency')
        batch_op.drop_column('raising_currency')
        batch_op.alter_column('raising_amount', new_column_name='raising_usd')
        batch_op.alter_column('ticket_min', new_column_name='ticket_min_usd')
        batch_op.alter_column('ticket_max', new_column_name='ticket_max_usd')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.create_check_constraint(
            'ticket_range_ordered',
            'ticket_min_usd IS NULL OR ticket_max_usd IS NULL OR ticket_min_usd <= ticket_max_usd',
        )
        batch_op.create_check_constraint('raising_not_negative', 'raising_usd IS NULL OR raising_usd >= 0')
