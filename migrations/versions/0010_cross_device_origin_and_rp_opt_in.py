"""휴대폰으로 인증: where the PC and the phone are, and the sign types an RP lets a phone approve

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('rp_clients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('remote_sign_types', sa.JSON(), server_default='[]', nullable=False))
    with op.batch_alter_table('widget_transactions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_address', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('client_user_agent', sa.String(length=300), nullable=True))


def downgrade():
    with op.batch_alter_table('widget_transactions', schema=None) as batch_op:
        batch_op.drop_column('client_user_agent')
        batch_op.drop_column('client_address')
    with op.batch_alter_table('rp_clients', schema=None) as batch_op:
        batch_op.drop_column('remote_sign_types')
