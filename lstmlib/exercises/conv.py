"""Exercises of Part I (convolutional networks). Each function computes its answer with lstmlib."""
from __future__ import annotations

import numpy as np

from lstmlib.exercises import exercise
from lstmlib.core import conv
from lstmlib import data
from lstmlib.core import losses
from lstmlib.lectures import refresher


@exercise("refresher-step", "w_new = w - lr * de/dw with de/dw = -2 (actual - w x) x; use refresher.gradient_step.")
def _refresher_step():
    return refresher.gradient_step([2.0], [0.5], actual=3.0, lr=0.1)[0]


@exercise("refresher-params", "A Linear(D, H) layer has D*H weights and H biases; add both layers.")
def _refresher_params():
    from lstmlib.torchside.cnn import MLP, count_parameters
    return count_parameters(MLP(30, 16, 2))


@exercise("fc-weights-32", "One fully connected neuron has one weight per input number: width x height x channels.")
def _fc_weights():
    from lstmlib.torchside.cnn import linear_params
    return linear_params(32 * 32 * 3, 1, bias=False)      # one neuron (K = 1) on a 32x32x3 input


@exercise("xo-mismatch", "A mismatch is a pixel where one image has +1 and the other -1; compare the two arrays position by position and count.")
def _xo_mismatch():
    return int(np.sum(data.x_image() != data.tricky_x_image()))


@exercise("conv-size-1", "Feature map size = 1 + (W - F + 2P)/S.")
def _conv_size_1():
    return conv.feature_map_size(9, 3, 0, 1)


@exercise("conv-size-2", "Feature map size = 1 + (W - F + 2P)/S with W=7, F=3, P=1, S=2.")
def _conv_size_2():
    return conv.feature_map_size(7, 3, 1, 2)


@exercise("conv-value", "Shift the X one column to the right, slide the X filter over it (the mean of the element-wise products), and read the feature map at row 3, column 3: how many of the window's pixels still agree with the filter?",
          atol=5e-3)
def _conv_value():
    x = data.shift_image(data.x_image(), 0, 1)
    return conv.conv2d_mean(x, data.lecture_filters()["X"])[3, 3]


@exercise("pool-size", "With ceil mode the last partial window counts: 1 + ceil((W - k)/stride).")
def _pool_size():
    return conv.pool_output_size(9, 2, 2, ceil_mode=True)


@exercise("pool-value", "Pool the ReLU of the 'X'-filter map; the cell (1, 2) covers rows 2-3, columns 4-5.",
          atol=5e-3)
def _pool_value():
    m = conv.conv2d_mean(data.x_image(), data.lecture_filters()["X"])
    return conv.max_pool(conv.relu(m))[1, 2]


@exercise("stack-count", "Multiply the three sizes of the volume.")
def _stack_count():
    # lecture B11's stacking example: 224x224x3 -> conv 3x3, padding 1, 64 filters -> 2x2 max pooling
    side = conv.pool_output_size(conv.feature_map_size(224, 3, 1, 1), 2, 2)
    return side * side * 64


@exercise("softmax-votes", "softmax(y)_k = exp(y_k) / sum_j exp(y_j).", atol=1e-3)
def _softmax_votes():
    return float(losses.softmax([0.92, 0.51])[0])


@exercise("xo-fc-params", "conv: 3 filters x (3*3 weights + 1 bias); fc: 3*4*4 inputs x 2 outputs + 2 biases.")
def _xo_params():
    from lstmlib.torchside.cnn import XOConvNet, count_parameters
    return count_parameters(XOConvNet())


@exercise("params-conv", "(F*F*C_in + 1) * K with F=3, C_in=64, K=128.")
def _params_conv():
    from lstmlib.torchside.cnn import conv_params
    return conv_params(3, 64, 128)


@exercise("params-vgg16-fc", "Add linear_params of the three fully connected layers and divide by the total.",
          rtol=1e-3)
def _params_vgg_fc():
    from lstmlib.torchside.cnn import formula_params, linear_params
    fc = linear_params(25088, 4096) + linear_params(4096, 4096) + linear_params(4096, 1000)
    return fc / formula_params("VGG-16")


@exercise("digits-flat", "Follow the shapes: 8x8 -> pool -> 4x4 -> pool -> 2x2, times 32 channels.")
def _digits_flat():
    from lstmlib.torchside.cnn import DigitsConvNet
    return DigitsConvNet().fc.in_features


@exercise("digits-params", "Two conv layers ((F*F*C_in + 1) * K each) plus the fully connected layer.")
def _digits_params():
    from lstmlib.torchside.cnn import DigitsConvNet, count_parameters
    return count_parameters(DigitsConvNet())


@exercise("multi-conv-params", "Each of the K filters spans all C_in channels: (F*F*C_in + 1) * K.")
def _multi_conv_params():
    from lstmlib.torchside.cnn import conv_params
    return conv_params(3, 16, 32)


@exercise("bottleneck-params", "Add conv_params of the three layers: 1x1 256->64, 3x3 64->64, 1x1 64->256.")
def _bottleneck_params():
    from lstmlib.torchside.cnn import conv_params
    return conv_params(1, 256, 64) + conv_params(3, 64, 64) + conv_params(1, 64, 256)


@exercise("bn-params", "Batch normalisation learns one gamma and one beta per channel.")
def _bn_params():
    from lstmlib.torchside.cnn import DigitsConvNet, count_parameters
    return count_parameters(DigitsConvNet(batchnorm=True).features[5])     # the BatchNorm2d of 32 channels


@exercise("residual-block-params", "Two 3x3 convolutions C->C without bias, each followed by batch "
                                   "normalisation (2 C); the skip connection has no parameters.")
def _residual_block_params():
    from lstmlib.torchside.cnn import ResidualBlock, count_parameters
    return count_parameters(ResidualBlock(16))
