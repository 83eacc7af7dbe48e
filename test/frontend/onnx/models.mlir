// The imported op sequence of the four MLPerf Tiny reference models (../shared/models):
// one qnn op per TFLite layer, named after it, NHWC throughout, no transposes left.
// REQUIRES: shared-models

// RUN: tinymlir-opt --pipeline=qnn %models/kws_dscnn.onnx | filecheck %s --check-prefix=KWS
// KWS-LABEL: func.func @kws_dscnn(%input.1: !qnn.qtensor<1x49x10x1xi8, 0.5847029:83>) -> !qnn.qtensor<1x12xi8, 0.00390625:-128>
// KWS-NOT:   qnn.transpose
// KWS:       %conv2d = qnn.conv2d %input.1, {{.*}} strides [2, 2] pads [4, 1, 5, 1] dilations [1, 1] groups 1 : {{.*}} -> !qnn.qtensor<1x25x5x64xi8,
// KWS:       %depthwise_conv2d = qnn.conv2d %conv2d, {{.*}} groups 64 :
// KWS:       %conv2d.1 = qnn.conv2d %depthwise_conv2d, {{.*}} groups 1 :
// KWS:       %depthwise_conv2d.1 = qnn.conv2d %conv2d.1, {{.*}} groups 64 :
// KWS:       %conv2d.2 = qnn.conv2d %depthwise_conv2d.1,
// KWS:       %depthwise_conv2d.2 = qnn.conv2d %conv2d.2, {{.*}} groups 64 :
// KWS:       %conv2d.3 = qnn.conv2d %depthwise_conv2d.2,
// KWS:       %depthwise_conv2d.3 = qnn.conv2d %conv2d.3, {{.*}} groups 64 :
// KWS:       %conv2d.4 = qnn.conv2d %depthwise_conv2d.3,
// KWS:       %average_pooling2d = qnn.avg_pool2d %conv2d.4 kernel [25, 5] strides [25, 5] pads [0, 0, 0, 0]
// KWS-NEXT:  %flatten = qnn.reshape %average_pooling2d : !qnn.qtensor<1x1x1x64xi8, {{.*}}> -> !qnn.qtensor<1x64xi8,
// KWS:       %dense = qnn.dense %flatten,
// KWS-NEXT:  %Identity = qnn.softmax %dense beta 1.000000e+00 :
// KWS-NEXT:  func.return %Identity

// RUN: tinymlir-opt --pipeline=qnn %models/ic_resnet8.onnx | filecheck %s --check-prefix=IC
// IC-LABEL: func.func @ic_resnet8(%input_1_int8: !qnn.qtensor<1x32x32x3xi8, 1.0:-128>) -> !qnn.qtensor<1x10xi8, 0.00390625:-128>
// IC-NOT:   qnn.transpose
// IC:       %conv2d = qnn.conv2d %input_1_int8,
// IC:       %conv2d.1 = qnn.conv2d %conv2d,
// IC:       %conv2d.2 = qnn.conv2d %conv2d.1, {{.*}} groups 1 :
// IC-NEXT:  %add = qnn.add %conv2d, %conv2d.2 : {{.*}} -> !qnn.qtensor<1x32x32x16xi8, 0.050945673:-128>
// IC:       %conv2d.5 = qnn.conv2d %add, {{.*}} strides [2, 2]
// IC:       %conv2d.3 = qnn.conv2d %add, {{.*}} strides [2, 2]
// IC:       %conv2d.4 = qnn.conv2d %conv2d.3,
// IC-NEXT:  %add.1 = qnn.add %conv2d.5, %conv2d.4
// IC:       %add.2 = qnn.add
// IC-NEXT:  %average_pooling2d = qnn.avg_pool2d %add.2 kernel [8, 8] strides [8, 8]
// IC-NEXT:  %flatten = qnn.reshape %average_pooling2d
// IC:       %dense = qnn.dense %flatten,
// IC-NEXT:  %Identity_int8 = qnn.softmax %dense

// RUN: tinymlir-opt --pipeline=qnn %models/vww_mobilenet.onnx | filecheck %s --check-prefix=VWW
// VWW-LABEL: func.func @vww_mobilenet(%input_1_int8: !qnn.qtensor<1x96x96x3xi8, 0.003921569:-128>) -> !qnn.qtensor<1x2xi8, 0.00390625:-128>
// VWW-NOT:   qnn.transpose
// VWW:       %conv2d = qnn.conv2d %input_1_int8, {{.*}} strides [2, 2] pads [0, 0, 1, 1] {{.*}} -> !qnn.qtensor<1x48x48x8xi8,
// VWW:       %depthwise_conv2d = qnn.conv2d %conv2d, {{.*}} groups 8 :
// VWW:       %depthwise_conv2d.12 = qnn.conv2d %conv2d.12, {{.*}} groups 256 :
// VWW:       %conv2d.13 = qnn.conv2d %depthwise_conv2d.12, {{.*}} -> !qnn.qtensor<1x3x3x256xi8,
// VWW-NEXT:  %average_pooling2d = qnn.avg_pool2d %conv2d.13 kernel [3, 3] strides [3, 3]
// VWW:       %Identity_int8 = qnn.softmax %dense

// RUN: tinymlir-opt --pipeline=qnn %models/ad_toycar.onnx | filecheck %s --check-prefix=AD
// AD-LABEL: func.func @ad_toycar(%input.1: !qnn.qtensor<1x640xi8, 0.39101523:89>) -> !qnn.qtensor<1x640xi8, 0.36449847:96>
// AD:       %dense = qnn.dense %input.1, %dense_weight, %dense_bias : {{.*}} -> !qnn.qtensor<1x128xi8,
// AD:       %dense.4 = qnn.dense %dense.3, {{.*}} -> !qnn.qtensor<1x8xi8,
// AD:       %Identity = qnn.dense %dense.8, {{.*}} -> !qnn.qtensor<1x640xi8, 0.36449847:96>
// AD-NEXT:  func.return %Identity
