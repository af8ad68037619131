"""PKI: the root's ARL, VID material on RA orders, demo customers' 주민등록번호

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 07:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('arl_records',
    sa.Column('number', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('der', sa.LargeBinary(), nullable=False),
    sa.Column('this_update', sa.DateTime(), nullable=False),
    sa.Column('next_update', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('number')
    )
    with op.batch_alter_table('issuance_orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('vid_virtual_id', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('vid_random_sealed', sa.Text(), nullable=True))
    with op.batch_alter_table('demo_bank_customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rrn', sa.String(length=13), nullable=True))


def downgrade():
    with op.batch_alter_table('demo_bank_customers', schema=None) as batch_op:
        batch_op.drop_column('rrn')
    with op.batch_alter_table('issuance_orders', schema=None) as batch_op:
        batch_op.drop_column('vid_random_sealed')
        batch_op.drop_column('vid_virtual_id')
    op.drop_table('arl_records')
